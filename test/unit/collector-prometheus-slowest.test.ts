// The exemplar bookkeeping of the Prometheus sink: the slowest event per window key, bounded.
import assert from 'node:assert/strict';
import test from 'node:test';
import { SlowestEvents } from '../../collector/sinks/prometheus/slowest-events.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

test('the slowest event of each window key, taken once', () => {
  const s = new SlowestEvents(['10s']);
  s.add(makeEvent({ id: 'fast', agent: 'a', tsMs: 10_000, totalMs: 1 }), 10_000);
  s.add(makeEvent({ id: 'slow', agent: 'a', tsMs: 12_000, totalMs: 9 }), 12_000);
  s.add(makeEvent({ id: 'other', agent: 'b', tsMs: 13_000, totalMs: 5 }), 13_000);
  assert.deepEqual(s.take('10s', 10_000, '*', '*'), { eventId: 'slow', latencyMs: 9, tsMs: 12_000 });
  assert.equal(s.take('10s', 10_000, 'b', '*')?.eventId, 'other');
  assert.equal(s.take('10s', 10_000, '*', '*'), undefined, 'taken once');
});

test('past maxEntries no new window is tracked, and pruning frees room', () => {
  // One event makes four keys (agent x model, each or *).
  const s = new SlowestEvents(['1s'], 4);
  s.add(makeEvent({ id: 'x', agent: 'a', tsMs: 1000, totalMs: 1 }), 1000);
  assert.equal(s.size, 4);
  s.add(makeEvent({ id: 'y', agent: 'a', tsMs: 2000, totalMs: 1 }), 2000);
  assert.equal(s.size, 4, 'the bound holds');
  assert.equal(s.take('1s', 2000, '*', '*'), undefined);
  s.prune('1s', 2000);
  assert.equal(s.size, 0);
  s.add(makeEvent({ id: 'z', agent: 'a', tsMs: 3000, totalMs: 1 }), 3000);
  assert.equal(s.take('1s', 3000, '*', '*')?.eventId, 'z');
});
