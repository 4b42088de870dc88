// Late events merged into closed minutes (collector/windows/closed-minutes.ts): within the rewrite
// horizon the minute is written again whole; past it the event is only counted late.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowEngine } from '../../collector/windows/engine.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const T0 = 1_700_000_040_000; // on a minute boundary
const engine = (rewriteHorizonMs: number) => new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 1_000_000, replica: '0', rewriteHorizonMs });
const ev = (id: string, ms: number, agent = 'a') => makeEvent({ id, tsMs: ms, agent });
const overall = (results: WindowResult[]) =>
  results.filter((r) => r.granularity === '1m' && r.agent === '*' && r.model_version === '*').map((r) => [r.start - T0, r.fields.count]);

test('a late event within the horizon is merged into its closed minute, which is written again whole', () => {
  const e = engine(120_000);
  for (let s = 0; s < 60; s++) e.add(ev(`${s}`, T0 + s * 1000), T0 + s * 1000, 0);
  e.add(ev('next', T0 + 61_000, 'b'), T0 + 61_000, 0);
  const first = e.advance(0);
  assert.deepEqual(overall(first), [[0, 60]]);
  const firstCount = first.find((r) => r.granularity === '1m' && r.agent === 'a')!.fields.count;

  // Two late events of two keys: the returned minute is the closed one, so the ack waits for it.
  assert.equal(e.add(ev('late-a', T0 + 5000), T0 + 5000, 0), T0);
  assert.equal(e.add(ev('late-c', T0 + 7000, 'c'), T0 + 7000, 0), T0);
  assert.equal(e.lateMerged, 2);
  assert.equal(e.lateEvents, 0);
  const rewritten = e.rewrites();
  assert.deepEqual(overall(rewritten), [[0, 62]]);
  const byAgent = Object.fromEntries(rewritten.filter((r) => r.model_version === '*' && r.agent !== '*').map((r) => [r.agent, r.fields.count]));
  assert.deepEqual(byAgent, { a: 61, c: 1 });
  // What subscribers got at close is not changed by the merge.
  assert.equal(first.find((r) => r.granularity === '1m' && r.agent === 'a')!.fields.count, firstCount);
  assert.equal(first.find((r) => r.granularity === '1m' && r.agent === 'a')!.acc.count, 60);
  assert.deepEqual(e.rewrites(), [], 'written once per batch of late events');

  // A later late event makes a rewrite with everything so far.
  e.add(ev('late-a2', T0 + 9000), T0 + 9000, 0);
  assert.deepEqual(overall(e.rewrites()), [[0, 63]]);
});

test('a closed minute ending more than the horizon behind the watermark is forgotten: later events only count late', () => {
  const e = engine(120_000);
  e.add(ev('0', T0), T0, 0);
  e.add(ev('next', T0 + 61_000), T0 + 61_000, 0);
  e.advance(0);
  e.add(ev('far', T0 + 60_000 + 120_001 + 1000), T0 + 60_000 + 120_001 + 1000, 0);
  e.advance(0);
  assert.equal(e.add(ev('late', T0 + 10), T0 + 10, 0) > T0, true, 'counted in an open window, not the closed minute');
  assert.equal(e.lateEvents, 1);
  assert.equal(e.lateMerged, 0);
  assert.deepEqual(e.rewrites(), []);
});

test('a horizon of 0 keeps nothing: late events are counted late as before', () => {
  const e = engine(0);
  e.add(ev('0', T0), T0, 0);
  e.add(ev('next', T0 + 61_000), T0 + 61_000, 0);
  e.advance(0);
  e.add(ev('late', T0 + 10), T0 + 10, 0);
  assert.equal(e.lateEvents, 1);
  assert.deepEqual(e.rewrites(), []);
});
