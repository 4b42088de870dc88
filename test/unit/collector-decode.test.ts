import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { MAX_TIMING_MS } from '../../schemas/event-fields.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const limits = { maxFutureMs: 60_000, maxPayloadChars: 100 };
const origin = { subject: 'starwatch.v1.events.agent-a', stream_seq: 7 };
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

test('bad events make one dead letter for their message, with the first index and counts by code; the rest go on', () => {
  const good = makeEvent({ id: 'g', tsMs: now });
  const bad = { ...makeEvent({ id: 'b', tsMs: now }), outputs: { stego_prob: 7 } };
  const future = makeEvent({ id: 'f', tsMs: now + 3_600_000 });
  const out = decodeMessage(bytes({ v: 1, agent_id: 'agent-a', seq: 3, events: [bad, good, future] }), origin, limits, now);
  assert.deepEqual(out.events.map((e) => e.event.event_id), ['g']);
  assert.deepEqual(out.dead.map((d) => [d.code, d.origin.index, d.origin.batch_seq, d.events, d.rejected]), [['bad_event', 0, 3, 3, { bad_event: 1, ts_in_future: 1 }]]);
  assert.match(out.dead[0].reason, /^2 of 3 events refused; event 0: \/outputs/);
});

// EventBatch v2: the same events as columns (schemas/event-columns.ts).
const columns = (events: ReturnType<typeof makeEvent>[], seq = 1) => toColumns('agent-a', seq, events);

test('a column batch decodes to the very events it was made from: labels, failures and several models', () => {
  const events = [
    makeEvent({ id: 'a', tsMs: now - 3 }),
    makeEvent({ id: 'b', tsMs: now - 2, prob: 0.9, method: 'exif', label: { category: 'stego', method: 'exif', bit_order: 'none' } }),
    makeEvent({ id: 'c', tsMs: now - 1, error: 'CORRUPT_IMAGE', modelVersion: 'v4.1.0' }),
    makeEvent({ id: 'd', tsMs: now, label: { category: 'clean' } }),
  ];
  const batch = columns(events);
  assert.equal(batch.models.length, 2, 'each model once');
  const out = decodeMessage(bytes(batch), origin, limits, now);
  assert.deepEqual(out.dead, []);
  assert.deepEqual(out.events.map((e) => e.event), events);
  assert.deepEqual(out.events.map((e) => e.tsMs), [now - 3, now - 2, now - 1, now]);
  assert.equal('label' in columns([events[0]]).columns, false, 'no label column when no row has one');
});

test('a column batch whose columns do not line up, or that has unknown columns, is one bad_batch', () => {
  const short = columns([makeEvent({ id: 'a', tsMs: now }), makeEvent({ id: 'b', tsMs: now, nsPart: 1 })]);
  short.columns.total_ms.pop();
  const misfit = decodeMessage(bytes(short), origin, limits, now);
  assert.deepEqual(misfit.events, []);
  assert.equal(misfit.dead[0].code, 'bad_batch');
  assert.match(misfit.dead[0].reason, /total_ms has 1 values, n is 2/);
  const extra = columns([makeEvent({ id: 'a', tsMs: now })]);
  (extra.columns as Record<string, unknown[]>).not_a_field = ['r'];
  assert.equal(decodeMessage(bytes(extra), origin, limits, now).dead[0].code, 'bad_batch');
});

test('bad rows of a column batch are dead-lettered together, with the first index and its reason', () => {
  const batch = columns([makeEvent({ id: 'a', tsMs: now }), makeEvent({ id: 'b', tsMs: now, nsPart: 1 }), makeEvent({ id: 'c', tsMs: now, nsPart: 2 })]);
  batch.columns.model[0] = 5; // no such model
  batch.columns.is_stego[1] = null; // outputs half there
  const out = decodeMessage(bytes(batch), origin, limits, now);
  assert.deepEqual(out.events.map((e) => e.event.event_id), ['c']);
  assert.deepEqual(out.dead.map((d) => [d.code, d.origin.index, d.origin.batch_seq, d.rejected]), [['bad_event', 0, 1, { bad_event: 2 }]]);
  assert.match(out.dead[0].reason, /\/model must be object/);
});

test('columns are made only from events of the batch agent', () => {
  assert.throws(() => columns([makeEvent({ id: 'a', tsMs: now, agent: 'agent-b' })]), /from agent agent-b, not agent-a/);
});

test('a number too large for a double (Infinity once parsed) makes its event bad', () => {
  const text = JSON.stringify({ v: 1, agent_id: 'agent-a', seq: 1, events: [makeEvent({ id: 'x', tsMs: now, totalMs: 7 })] }).replace('"total_ms":7', '"total_ms":1e999');
  const out = decodeMessage(bytes(text), origin, limits, now);
  assert.deepEqual(out.events, []);
  assert.equal(out.dead[0].code, 'bad_event');
  assert.match(out.dead[0].reason, /total_ms/);
});

test('a timing past a day is refused, in rows and in columns: the latency sketches never grow to cover it', () => {
  const atLimit = makeEvent({ id: 'day', tsMs: now, totalMs: MAX_TIMING_MS });
  const past = makeEvent({ id: 'past', tsMs: now, nsPart: 1, totalMs: 1e300 });
  const slowDecode = { ...makeEvent({ id: 'decode', tsMs: now, nsPart: 2 }), timings: { decode_ms: MAX_TIMING_MS + 1, preprocess_ms: 0, infer_ms: 0, total_ms: 1 } };
  for (const batch of [{ v: 1, agent_id: 'agent-a', seq: 1, events: [atLimit, past, slowDecode] }, columns([atLimit, past, slowDecode])]) {
    const out = decodeMessage(bytes(batch), origin, limits, now);
    assert.deepEqual(out.events.map((e) => e.event.event_id), ['day']);
    assert.deepEqual(out.dead.map((d) => [d.code, d.origin.index, d.rejected]), [['bad_event', 1, { bad_event: 2 }]]);
    assert.match(out.dead[0].reason, /total_ms must be <= 86400000/);
  }
});
