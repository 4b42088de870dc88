// The ack book: a redelivery JetStream sent before our ack reached it arrives after the hold is
// gone; the book remembers acked sequences for REMEMBER_ACKED_MS so that copy is not counted again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckBook, REMEMBER_ACKED_MS, type Hold } from '../../collector/consume/ack-book.ts';

const hold = (seq: number): Hold => ({ seq, reply: `r${seq}`, minute: 0, pending: [], touchedMs: 0 });

test('an acked message is remembered as acked, then forgotten after REMEMBER_ACKED_MS', () => {
  const book = new AckBook();
  book.hold(hold(1));
  book.hold(hold(2));
  assert.equal(book.wasAcked(1), false, 'held, not acked');
  book.remove([hold(1)], 1000);
  assert.equal(book.has(1), false);
  assert.equal(book.wasAcked(1), true, 'a copy now is a redelivery of an acked message');
  assert.equal(book.wasAcked(2), false);
  book.remove([hold(2)], 1000 + REMEMBER_ACKED_MS);
  assert.equal(book.wasAcked(1), false, 'forgotten once REMEMBER_ACKED_MS has passed');
  assert.equal(book.wasAcked(2), true);
});
