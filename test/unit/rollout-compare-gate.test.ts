// The rollout comparison (windows, pairs, confusion, totals, points) and the gate's verdicts:
// no-go naming the broken rule, wait naming what is missing, go once evidence suffices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InferenceEvent, Label, Rollout } from '../../schemas/inference-event.ts';
import type { Point } from '../../collector/sinks/point.ts';
import { RolloutComparer } from '../../collector/rollout/comparer.ts';
import { ComparisonWindow } from '../../collector/rollout/comparison-window.ts';
import { GATE_DEFAULTS, judgeRollout } from '../../collector/rollout/gate.ts';
import { gateText, statusTable } from '../../cli/commands/rollout.ts';

let id = 0;
function event(version: string, rollout: Rollout, isStego: boolean, label?: Label, method: InferenceEvent['outputs'] extends infer O ? (O extends { method: infer M } ? M : never) : never = null, totalMs = 5): InferenceEvent {
  const e: InferenceEvent = {
    v: 1, event_id: `e${id++}`, agent_id: 'a1', ts_ns: '0', source: 'scan',
    model: { id: 'm', version, sha256: '0'.repeat(64) },
    input: { format: 'png', bytes: 1, width: 1, height: 1 },
    timings: { decode_ms: 0, preprocess_ms: 0, infer_ms: totalMs, total_ms: totalMs },
    outputs: { stego_prob: isStego ? 0.9 : 0.1, is_stego: isStego, method, method_prob: null, bit_order: null },
    error_code: null, rollout,
  };
  if (label) e.label = label;
  return e;
}

function sinkOf(points: Point[]) {
  return { write: (p: Point[]) => points.push(...p), writeLines: () => {}, close: async () => {}, get backlog() { return 0; } } as never;
}

test('shadow pairs meet by id: agreement, method confusion, both sides labelled, one point per closed window', () => {
  const points: Point[] = [];
  const c = new RolloutComparer(sinkOf(points), { windowMs: 1000, closeAfterMs: 100 });
  const clean: Label = { category: 'clean' };
  c.add(event('v1', { role: 'primary', pair_id: 'p1' }, false, clean), 1000);
  c.add(event('v2', { role: 'shadow', pair_id: 'p1' }, true, clean, 'palette'), 1100);
  c.add(event('v1', { role: 'primary', pair_id: 'p2' }, true, { category: 'stego', method: 'alpha' }, 'alpha'), 1200);
  c.add(event('v2', { role: 'shadow', pair_id: 'p2' }, true, { category: 'stego', method: 'alpha' }, 'alpha'), 1300);
  c.add(event('v1', { role: 'primary' }, false), 1400);
  c.advance(2099);
  assert.equal(points.length, 0, 'not before closeAfterMs');
  c.advance(2100);
  assert.equal(points.length, 1);
  const p = points[0];
  assert.deepEqual(p.tags, { agent: 'a1', primary: 'v1', candidate: 'v2' });
  assert.equal(p.fields.pairs, 2n);
  assert.equal(p.fields.agree, 1n);
  assert.equal(p.fields.agreement, 0.5);
  assert.equal(p.fields.conf_none__palette, 1n);
  assert.equal(p.fields.conf_alpha__alpha, 1n);
  assert.equal(p.fields.p_n, 3n);
  assert.equal(p.fields.c_n, 2n);
  assert.equal(p.fields.c_fpr, 1);
  assert.equal(p.fields.p_fpr, 0);
  assert.equal(p.fields.c_det_alpha, 1);
  assert.equal(c.counts.pairsMatched, 2);
  assert.equal(c.totals.get('v1|v2')?.total.pairs, 2);
});

test('a stored window reads back the same (the gate reads rows from InfluxDB)', () => {
  const w = new ComparisonWindow(60_000, 60_000, { agent: 'a', primary: 'v1', candidate: 'v2' });
  w.primarySide.add(event('v1', { role: 'primary' }, true, { category: 'stego', method: 'lsb.rgb' }, 'lsb.rgb', 7));
  w.candidateSide.add(event('v2', { role: 'canary' }, false, { category: 'clean' }, null, 9));
  w.addPair({ is_stego: true, method: 'lsb.rgb' }, { is_stego: false, method: null });
  const fields = Object.fromEntries(Object.entries(w.point().fields).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
  const back = ComparisonWindow.fromRow({ time: 60_000, agent: 'a', primary: 'v1', candidate: 'v2', ...fields });
  assert.deepEqual(back.point(), w.point());
});

function totals(candidate: { fp: number; alphaHits: number; ms: number }, n: number): ComparisonWindow {
  const w = new ComparisonWindow(0, 1000, { agent: '*', primary: 'v1', candidate: 'v2' });
  for (let i = 0; i < n; i++) {
    w.primarySide.add(event('v1', { role: 'primary' }, false, { category: 'clean' }));
    w.candidateSide.add(event('v2', { role: 'canary' }, i < candidate.fp, { category: 'clean' }, null, candidate.ms));
    w.primarySide.add(event('v1', { role: 'primary' }, true, { category: 'stego', method: 'alpha' }, 'alpha'));
    w.candidateSide.add(event('v2', { role: 'canary' }, i < candidate.alphaHits, { category: 'stego', method: 'alpha' }, 'alpha', candidate.ms));
  }
  return w;
}

const SHORT = { ...GATE_DEFAULTS, fprMax: 0.05, fprRiseMax: 0.02, minDurationMs: 10_000, minCleanLabelled: 100, minStegoPerMethod: 100, minLatencySamples: 100 };

test('an equal candidate waits for time and counts (naming how much more), then goes', () => {
  const early = judgeRollout(totals({ fp: 0, alphaHits: 50, ms: 5 }, 50), 5_000, SHORT);
  assert.equal(early.exitCode, 2);
  assert.ok(early.missing.some((m) => /more minutes/.test(m)), early.missing.join('; '));
  assert.ok(early.missing.some((m) => /50 more clean labelled requests on the candidate/.test(m)), early.missing.join('; '));
  assert.ok(early.missing.some((m) => /50 more labelled alpha stego/.test(m)), early.missing.join('; '));
  const later = judgeRollout(totals({ fp: 0, alphaHits: 200, ms: 5 }, 200), 10_000, SHORT);
  assert.deepEqual([later.verdict, later.exitCode, later.broken], ['go', 0, []]);
});

test('a candidate surely worse on one method is a no-go at once, naming that rule only', () => {
  const r = judgeRollout(totals({ fp: 0, alphaHits: 20, ms: 5 }, 200), 1_000, SHORT);
  assert.deepEqual([r.verdict, r.exitCode, r.broken], ['no-go', 1, ['detection_alpha']]);
});

test('a drop of exactly the allowed point is not broken; FPR and latency rules break on their own', () => {
  const atLimit = judgeRollout(totals({ fp: 0, alphaHits: 198, ms: 5 }, 200), 10_000, SHORT);
  assert.equal(atLimit.exitCode, 0, JSON.stringify(atLimit.rules));
  const noisy = judgeRollout(totals({ fp: 40, alphaHits: 200, ms: 5 }, 200), 10_000, SHORT);
  assert.deepEqual(noisy.broken, ['fpr', 'fpr_vs_baseline']);
  const slow = judgeRollout(totals({ fp: 0, alphaHits: 200, ms: 6.5 }, 200), 10_000, SHORT);
  assert.deepEqual(slow.broken, ['latency_p95']);
  assert.equal(judgeRollout(totals({ fp: 0, alphaHits: 200, ms: 6 }, 200), 10_000, SHORT).exitCode, 0, '6/5 = 1.2x exactly is within');
});

test('by default FPR needs the 7,680 clean requests that can show 0.05%', () => {
  const r = judgeRollout(totals({ fp: 0, alphaHits: 200, ms: 5 }, 200), 3 * 3600_000, GATE_DEFAULTS);
  assert.equal(r.exitCode, 2);
  assert.ok(r.missing.some((m) => /7480 more clean labelled requests on the candidate \(have 200 of 7680\)/.test(m)), r.missing.join('; '));
});

test('pairs waiting for their other half are bounded: the oldest is dropped and counted', () => {
  const c = new RolloutComparer(null, { windowMs: 1000, closeAfterMs: 100, maxPairsWaiting: 2 });
  for (const id of ['a', 'b', 'c']) c.add(event('v1', { role: 'primary', pair_id: id }, false), 1000);
  assert.equal(c.counts.pairsDropped, 1, 'a third half over a bound of 2 drops the oldest');
  c.add(event('v2', { role: 'shadow', pair_id: 'a' }, false), 1000); // its primary half was dropped: it waits now
  c.add(event('v2', { role: 'shadow', pair_id: 'c' }, false), 1000);
  assert.equal(c.counts.pairsMatched, 1);
});

test('rollout gate and status print the verdict, what is broken or missing, and one row per rule', () => {
  const r = judgeRollout(totals({ fp: 0, alphaHits: 20, ms: 5 }, 200), 1_000, SHORT);
  assert.equal(gateText({ candidate: 'v2', baseline: 'v1' }, r).split('\n')[1], 'broken: detection_alpha');
  const table = statusTable(r).split('\n');
  assert.deepEqual(table.map((l) => l.split(/\s+/)[0]), ['rule', 'fpr', 'fpr_vs_baseline', 'detection_alpha', 'latency_p95']);
  assert.match(table.find((l) => l.startsWith('detection_alpha')) ?? '', /broken\s+10\.000% \[/);
  const wait = judgeRollout(totals({ fp: 0, alphaHits: 50, ms: 5 }, 50), 5_000, SHORT);
  assert.match(gateText({ candidate: 'v2', baseline: 'v1' }, wait), /WAIT[\s\S]*needs 50 more clean labelled requests on the candidate/);
});
