import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const limits = { maxFutureMs: 60_000, maxPayloadChars: 100 };
const origin = { subject: 'starwatch.v1.events.a', stream_seq: 7 };
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const now = 1_700_000_000_000;

test('a valid batch gives its events with their event time in ms', () => {
  const e = makeEvent({ id: 'x', tsMs: now - 5, nsPart: 123 });
  const out = decodeMessage(bytes({ v: 1, agent_id: 'agent-a', seq: 1, events: [e] }), origin, limits, now);
  assert.deepEqual(out.dead, []);
  assert.equal(out.events[0].tsMs, now - 5);
});

test('not JSON, not a batch: one dead letter for the whole message, payload cut', () => {
  const junk = decodeMessage(bytes('x'.repeat(500)), origin, limits, now);
  assert.equal(junk.dead[0].code, 'not_json');
  assert.equal(junk.dead[0].payload.length, 100);
  const notBatch = decodeMessage(bytes({ v: 2 }), origin, limits, now);
  assert.equal(notBatch.dead[0].code, 'bad_batch');
  assert.deepEqual(notBatch.dead[0].origin, origin);
});

test('bad events are dead-lettered one by one, with their index; the rest go on', () => {
  const good = makeEvent({ id: 'g', tsMs: now });
  const bad = { ...makeEvent({ id: 'b', tsMs: now }), outputs: { stego_prob: 7 } };
  const future = makeEvent({ id: 'f', tsMs: now + 3_600_000 });
  const out = decodeMessage(bytes({ v: 1, agent_id: 'agent-a', seq: 3, events: [bad, good, future] }), origin, limits, now);
  assert.deepEqual(out.events.map((e) => e.event.event_id), ['g']);
  assert.deepEqual(out.dead.map((d) => [d.code, d.origin.index, d.origin.batch_seq]), [['bad_event', 0, 3], ['ts_in_future', 2, 3]]);
});
