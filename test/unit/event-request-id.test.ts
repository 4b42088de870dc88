// X-Request-Id into the event (issue 13, labels by request id): checked at the agent, carried on
// the wire only when some event has it, checked again by the collector, stored in the
// `inference` point so the labels path can find the events by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBuilder } from '../../agent/events/build.ts';
import { parseRequestId } from '../../agent/server/request-id.ts';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { inferenceLine } from '../../collector/points/inference-line.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { REQUEST_ID_MAX } from '../../schemas/event-fields.ts';

const builder = new EventBuilder('agent-a', { id: 'm', version: '1', sha256: '0'.repeat(64) });
const input = { format: 'PNG', bytes: 1000, width: 8, height: 8 };
const timings = { decode_ms: 0, preprocess_ms: 0, infer_ms: 1, total_ms: 1 };
const outputs = { stego_prob: 0.1, is_stego: false, method: null, method_prob: null, bit_order: null };
const eventOf = (requestId?: string) => builder.build({ source: 'scan', input, timings, outputs, errorCode: null, ...(requestId ? { requestId } : {}) });

function decode(batch: unknown) {
  const data = new TextEncoder().encode(JSON.stringify(batch));
  return decodeMessage(data, { subject: 'starwatch.events.agent-a' }, { maxFutureMs: 60_000, maxPayloadChars: 500 }, Date.now());
}

test('a plain X-Request-Id is taken; none, or blank, is no id', () => {
  assert.deepEqual(parseRequestId({ 'x-request-id': ' 7f3c9a2e-1b4d-4c8e-9f00-aa11bb22cc33 ' }), { ok: true, requestId: '7f3c9a2e-1b4d-4c8e-9f00-aa11bb22cc33' });
  assert.deepEqual(parseRequestId({ 'x-request-id': 'trace:01HZX.a_b' }), { ok: true, requestId: 'trace:01HZX.a_b' });
  assert.deepEqual(parseRequestId({}), { ok: true, requestId: undefined });
  assert.deepEqual(parseRequestId({ 'x-request-id': '  ' }), { ok: true, requestId: undefined });
});

test('an X-Request-Id over the bound or with other characters is refused, not cut', () => {
  assert.equal(parseRequestId({ 'x-request-id': 'a'.repeat(REQUEST_ID_MAX) }).ok, true, 'exactly the bound passes');
  const long = parseRequestId({ 'x-request-id': 'a'.repeat(REQUEST_ID_MAX + 1) });
  assert.equal(long.ok, false);
  assert.match((long as { message: string }).message, /over 128/);
  for (const bad of ['a b', 'a"b', 'a/b', 'a\\b', 'ä', 'a,b', "a'b", 'a|b'])
    assert.equal(parseRequestId({ 'x-request-id': bad }).ok, false, bad);
  assert.equal(parseRequestId({ 'x-request-id': ['a', 'b'] as unknown as string }).ok, false, 'two ids: which one?');
});

test('the request id goes through the wire and the collector into the inference line', () => {
  const batch = toColumns('agent-a', 1, [eventOf('req-1'), eventOf()]);
  assert.deepEqual(batch.columns.request_id, ['req-1', null]);
  const { events, dead } = decode(batch);
  assert.deepEqual(dead, []);
  assert.deepEqual(events.map((e) => e.event.request_id), ['req-1', undefined]);
  assert.match(inferenceLine(events[0].event), /,request_id="req-1"/);
  assert.doesNotMatch(inferenceLine(events[1].event), /request_id/);
});

test('a batch without request ids has no column for them, so older collectors read it', () => {
  const batch = toColumns('agent-a', 1, [eventOf(), eventOf()]);
  assert.equal('request_id' in batch.columns, false);
});

test('the collector refuses a request id the agent would not have sent', () => {
  const batch = toColumns('agent-a', 1, [eventOf('ok')]);
  (batch.columns.request_id as unknown[])[0] = 'a b';
  const { events, dead } = decode(batch);
  assert.equal(events.length, 0);
  assert.equal(dead[0]?.code, 'bad_event');
  assert.match(dead[0].reason, /request_id/);
});
