// Issue 19: /healthz must answer within 100 ms while the collector takes big hostile messages.
// One 1 MiB batch of 2,000 bad events was one uninterruptible stretch (JSON.parse, then the
// schema on every event): 50-200 ms on a loaded machine. Rows are now checked in slices, and
// messages over SLICED_PARSE_CHARS are parsed in pieces with the same chances to yield.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARSE_PIECE_CHARS, ROWS_PER_STEP, SLICED_PARSE_CHARS, decodeMessage, decodeMessageSliced } from '../../collector/consume/decode.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { TimeSlice } from '../../collector/consume/time-slice.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const now = 1_700_000_000_000;
const limits = { maxFutureMs: 60_000, maxPayloadChars: 200 };
const origin = { subject: 'starwatch.v1.events.agent-a', stream_seq: 9 };
const batch = (events: unknown[]) => new TextEncoder().encode(JSON.stringify({ v: 1, agent_id: 'agent-a', seq: 1, events }));
/** 2,000 events, every third one bad: the attack's shape, with good events among them. */
const mixed = batch(Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? { ...makeEvent({ id: `e${i}`, tsMs: now }), source: 'nope' } : makeEvent({ id: `e${i}`, tsMs: now - i }))));

/** Decodes with a time budget of 0 (yield at every chance), counting the event loop's turns meanwhile. */
async function decodeCountingTurns(message: Uint8Array) {
  let ticks = 0;
  let ticking = true;
  const tick = () => {
    ticks++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { sliced: await decodeMessageSliced(message, origin, limits, now, new TimeSlice(0)), ticks };
  } finally {
    ticking = false;
  }
}

test('a big batch is checked in slices: pending I/O runs between them, and the result is the same', async () => {
  // A budget of 0: yield at every chance, ROWS_PER_STEP rows apart.
  const { sliced, ticks } = await decodeCountingTurns(mixed);
  assert.ok(ticks >= Math.floor(2000 / ROWS_PER_STEP) - 1, `only ${ticks} turns of the event loop while 2000 rows were checked`);
  assert.deepEqual(sliced, decodeMessage(mixed, origin, limits, now));
  assert.equal(sliced.events.length, 1333);
  assert.equal(sliced.dead[0].rejected?.bad_event, 667);
});

test('a message over SLICED_PARSE_CHARS is parsed in pieces: the event loop turns while it is, and the result is the same', async () => {
  // A v2 batch of valid events, as a busy agent with a large batch size sends it. The rows give a
  // chance to yield every ROWS_PER_STEP rows; the parse must add its own between its pieces.
  const events = Array.from({ length: 8000 }, (_, i) => makeEvent({ id: `big-${i}`, tsMs: now - i }));
  const big = new TextEncoder().encode(JSON.stringify(toColumns('agent-a', 7, events)));
  assert.ok(big.length > 2 * SLICED_PARSE_CHARS, `the batch is ${big.length} bytes`);
  const { sliced, ticks } = await decodeCountingTurns(big);
  const parsePieces = Math.floor(big.length / PARSE_PIECE_CHARS);
  const rowSteps = Math.floor(8000 / ROWS_PER_STEP);
  assert.ok(ticks >= parsePieces + rowSteps - 1, `only ${ticks} turns of the event loop for ${parsePieces} pieces of text and ${rowSteps} steps of rows`);
  assert.deepEqual(sliced, decodeMessage(big, origin, limits, now));
  assert.equal(sliced.events.length, 8000);
  assert.deepEqual(sliced.dead, []);
});
