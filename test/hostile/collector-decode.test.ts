// Issue 19, items 4, 5 and 7 at decode time: hostile or broken messages, each one dead letter at
// most, none throwing, none letting through a value InfluxDB would refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, nestedAtMost } from '../../collector/consume/decode.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { MAX_BATCH_EVENTS, MAX_MESSAGE_BYTES } from '../../schemas/inference-event.ts';
import { validator } from '../../schemas/validate.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const now = 1_800_000_000_000;
const limits = { maxFutureMs: 60_000, maxPayloadChars: 200, maxPastMs: 7 * 86_400_000 };
const origin = { subject: 'starwatch.v1.events.agent-a', stream_seq: 9 };
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const decode = (v: unknown) => decodeMessage(bytes(v), origin, limits, now);

test('a v1 batch of 100,000 zeros is one bad_batch letter, not 100,000', () => {
  const out = decode(`{"v":1,"agent_id":"agent-a","seq":1,"events":[${Array(100_000).fill('0').join(',')}]}`);
  assert.deepEqual(out.events, []);
  assert.deepEqual(out.dead.map((d) => d.code), ['bad_batch']);
  assert.match(out.dead[0].reason, /\/events must NOT have more than 10000 items/);
});

test('a v2 batch claiming more than MAX_BATCH_EVENTS rows is one bad_batch letter', () => {
  const batch = toColumns('agent-a', 1, [makeEvent({ id: 'a', tsMs: now })]);
  const out = decode({ ...batch, n: MAX_BATCH_EVENTS + 1 });
  assert.deepEqual(out.dead.map((d) => d.code), ['bad_batch']);
});

test('a batch of many bad events is one letter that says how many events it held', () => {
  const events = Array.from({ length: 1000 }, (_, i) => ({ ...makeEvent({ id: `e${i}`, tsMs: now }), source: "nope" }));
  const out = decode({ v: 1, agent_id: 'agent-a', seq: 1, events });
  assert.equal(out.dead.length, 1);
  assert.deepEqual([out.dead[0].events, out.dead[0].rejected], [1000, { bad_event: 1000 }]);
  assert.equal(out.dead[0].payload.length, limits.maxPayloadChars);
});

test('200,000 levels of nesting do not throw: one letter a message', () => {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  for (const text of [`{"v":1,"agent_id":"agent-a","seq":1,"events":[${deep}]}`, deep, `{"v":2,"agent_id":"agent-a","seq":1,"n":1,"models":[${deep}]}`]) {
    const out = decodeMessage(bytes(text), origin, { ...limits, maxMessageBytes: 10 * MAX_MESSAGE_BYTES }, now);
    assert.equal(out.dead.length, 1);
    assert.deepEqual(out.events, []);
  }
  const [letter] = decodeMessage(bytes(`{"v":1,"agent_id":"agent-a","seq":1,"events":[${deep}]}`), origin, limits, now).dead;
  assert.deepEqual([letter.code, letter.reason, letter.payload.length], ['bad_batch', 'nested deeper than 16 levels', limits.maxPayloadChars]);
});

test('the nesting check counts brackets outside strings only, and lets every contract through', () => {
  const quoted = `{"v":1,"agent_id":"agent-a","seq":1,"events":[{"x":"${'['.repeat(100)}\\\"[["}]}`;
  assert.equal(nestedAtMost(bytes(quoted), 16), true);
  assert.equal(nestedAtMost(bytes('['.repeat(17) + ']'.repeat(17)), 16), false);
  assert.equal(nestedAtMost(bytes('['.repeat(16) + ']'.repeat(16)), 16), true);
  const labelled = toColumns('agent-a', 1, [makeEvent({ id: 'a', tsMs: now, label: { category: 'stego', method: 'exif', bit_order: 'none' } })]);
  assert.equal(decode(labelled).events.length, 1);
});

test('a message over the size bound is refused unread', () => {
  const out = decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(0x20), origin, limits, now);
  assert.deepEqual(out.dead.map((d) => d.code), ['too_large']);
  assert.equal(decodeMessage(new Uint8Array(2000).fill(0x20), origin, { ...limits, maxMessageBytes: 1000 }, now).dead[0].code, 'too_large');
});

test('a batch whose agent_id is not the agent of its subject is dead-lettered whole', () => {
  const batch = toColumns('agent-b', 1, [makeEvent({ id: 'a', tsMs: now, agent: 'agent-b' })]);
  const out = decode(batch);
  assert.deepEqual(out.events, []);
  assert.deepEqual(out.dead.map((d) => [d.code, d.events, d.origin.agent_id]), [['agent_mismatch', 1, 'agent-b']]);
  const v1 = decode({ v: 1, agent_id: 'agent-b', seq: 1, events: [makeEvent({ id: 'a', tsMs: now, agent: 'agent-b' })] });
  assert.equal(v1.dead[0].code, 'agent_mismatch');
});

test('values InfluxDB refuses are refused at decode: beyond int64, 2^53, and the raw retention', () => {
  const good = makeEvent({ id: 'ok', tsMs: now });
  const huge = { ...makeEvent({ id: 'big', tsMs: now }), input: { format: 'PNG', bytes: 1e19, width: 1, height: 1 } };
  const farTs = { ...makeEvent({ id: 'far', tsMs: now }), ts_ns: '9999999999999999999' };
  const twentyDigits = { ...makeEvent({ id: 'twenty', tsMs: now }), ts_ns: '10000000000000000000' };
  const old = makeEvent({ id: 'old', tsMs: now - 30 * 86_400_000 });
  for (const out of [decode({ v: 1, agent_id: 'agent-a', seq: 1, events: [good, huge, farTs, twentyDigits, old] }), decode(toColumns('agent-a', 1, [good, huge, farTs, twentyDigits, old] as never))]) {
    assert.deepEqual(out.events.map((e) => e.event.event_id), ['ok']);
    assert.deepEqual(out.dead[0].rejected, { bad_event: 2, ts_out_of_range: 2 });
  }
});

test('a heartbeat ts_ms of 1e21 (or any past int64 ns) fails its schema', () => {
  const check = validator(AgentHeartbeat);
  const beat = { v: 1, agent_id: 'a', ts_ms: now, uptime_s: 1, model_loaded: true, model_version: 'v4', queue_depth: 0, queue_capacity: 1, events_sent: 0, events_dropped: 0, nats_connected: true };
  assert.equal(check(beat).ok, true);
  assert.equal(check({ ...beat, ts_ms: 1e21 }).ok, false);
  assert.equal(check({ ...beat, ts_ms: 9_223_372_036_855 }).ok, false);
});
