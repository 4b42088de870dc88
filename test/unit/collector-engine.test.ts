import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowEngine } from '../../collector/windows/engine.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const T0 = 1_700_000_040_000; // on a minute boundary
const engine = (lateness = 1000, idle = 500) => new WindowEngine({ allowedLatenessMs: lateness, idleGraceMs: idle, replica: '0' });
const ev = (id: string, ms: number, agent = 'a') => makeEvent({ id, tsMs: ms, agent });

test('windows close once the watermark passes end + lateness, with per-key, per-model, per-agent and overall results', () => {
  const e = engine();
  e.add(ev('1', T0 + 100), T0 + 100, 0);
  e.add(ev('2', T0 + 900, 'b'), T0 + 900, 0);
  e.add(ev('3', T0 + 1500), T0 + 1500, 0);
  assert.deepEqual(e.advance(0), []); // watermark T0+1500 < T0+1000+1000
  e.add(ev('4', T0 + 2000), T0 + 2000, 0);
  const closed = e.advance(0);
  assert.deepEqual(
    closed.map((r) => [r.granularity, r.start - T0, r.agent, r.model_version, r.fields.count]),
    [
      ['1s', 0, 'a', 'v4.0.0', 1],
      ['1s', 0, 'b', 'v4.0.0', 1],
      ['1s', 0, '*', 'v4.0.0', 2],
      ['1s', 0, 'a', '*', 1],
      ['1s', 0, 'b', '*', 1],
      ['1s', 0, '*', '*', 2],
    ],
  );
});

test('the 1 min window holds every event of its seconds, and its close is what releases acks', () => {
  const e = engine(0, 1_000_000);
  for (let s = 0; s < 60; s++) e.add(ev(`${s}`, T0 + s * 1000), T0 + s * 1000, 0);
  assert.equal(e.closedMinutesThrough(), Number.NEGATIVE_INFINITY);
  e.add(ev('next', T0 + 60_000), T0 + 60_000, 0);
  const minute = e.advance(0).filter((r) => r.granularity === '1m' && r.agent === '*' && r.model_version === '*');
  assert.deepEqual(minute.map((r) => [r.start, r.fields.count]), [[T0, 60]]);
  assert.equal(e.closedMinutesThrough(), T0);
});

test('an event past its 1 s window still counts in its open 10 s and 1 min windows; past them all it is late', () => {
  const e = engine(0, 1_000_000);
  e.add(ev('1', T0 + 5000), T0 + 5000, 0);
  e.advance(0); // closes 1 s windows before T0+5000
  assert.equal(e.add(ev('2', T0 + 1000), T0 + 1000, 0), T0); // its 1 s window is closed, 10 s is open
  e.add(ev('3', T0 + 125_000), T0 + 125_000, 0);
  const results = e.advance(0);
  const minute = results.find((r) => r.granularity === '1m' && r.agent === '*' && r.model_version === '*' && r.start === T0)!;
  assert.equal(minute.fields.count, 2);
  e.add(ev('old', T0 + 2000), T0 + 2000, 0); // its minute has closed
  assert.equal(e.lateEvents, 1);
  e.add(ev('4', T0 + 200_000), T0 + 200_000, 0);
  const late = e.advance(0).filter((r) => r.granularity === '1s' && r.agent === '*' && r.model_version === '*');
  assert.equal(late.reduce((n, r) => n + r.fields.late, 0), 1);
});

test('a quiet stream closes its windows by the clock after the idle grace', () => {
  const e = engine(1000, 500);
  e.add(ev('1', T0), T0, 10_000);
  assert.equal(e.advance(11_000).length, 0); // 1000 ms idle - 500 ms grace = 500 ms of progress only
  // (a, v), (*, v), (a, *), (*, *)
  assert.equal(e.advance(12_600).filter((r) => r.granularity === '1s').length, 4);
});

test('after a crash: restored windows are not recomputed, and nothing closes while suspended', () => {
  const e = engine(0, 0);
  e.restoreClosed('1s', T0 + 9000);
  e.restoreClosed('10s', T0);
  e.suspendUntil(5000);
  assert.equal(e.add(ev('1', T0 + 3000), T0 + 3000, 0), T0); // only its 1 min window is open
  e.add(ev('2', T0 + 70_000), T0 + 70_000, 1000);
  assert.deepEqual(e.advance(2000), []);
  const results = e.advance(6000);
  assert.deepEqual(results.filter((r) => r.start === T0 && r.agent === '*' && r.model_version === '*').map((r) => [r.granularity, r.fields.count]), [['1m', 1]]);
});

test('the idle clock does not close windows while events are known to be waiting, and starts anew after', () => {
  const e = engine(0, 500);
  e.add(ev('1', T0 + 100), T0 + 100, 0);
  e.setBacklogged(true, 0);
  assert.deepEqual(e.advance(60_000), [], 'a paused or backlogged consumer is not a quiet stream');
  e.setBacklogged(false, 60_000);
  assert.deepEqual(e.advance(60_400), [], 'the idle grace starts again when the backlog clears');
  const closed = e.advance(62_000).filter((r) => r.granularity === '1s' && r.agent === '*' && r.model_version === '*');
  assert.deepEqual(closed.map((r) => [r.start - T0, r.fields.count]), [[0, 1]]);
});
