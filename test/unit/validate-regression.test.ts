import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METHODS } from '../../v4/contract.ts';
import { baselineOf, parseBaseline, type Baseline } from '../../validate/baseline.ts';
import { computeMetrics, type Metrics } from '../../validate/metrics.ts';
import { checkRegression } from '../../validate/regression.ts';
import { CLEAN, judged, stego, verdict } from './validate-fixture.ts';

const RUN = { busyMs: 100, peakRss: { sampledBytes: 1, processMaxBytes: 1 } };

/** 100 clean (1 false positive), 20 of each method all detected, every file 10 ms. */
function goodRun(): Metrics {
  const results = [
    ...Array.from({ length: 100 }, (_, i) => judged(CLEAN, verdict(i === 0), 'PNG', 10)),
    ...METHODS.flatMap((m) => Array.from({ length: 20 }, () => judged(stego(m), verdict(true), 'PNG', 10))),
  ];
  return computeMetrics(results, RUN);
}

function baseline(over: Partial<Baseline> = {}): Baseline {
  return { ...baselineOf(goodRun(), null, null), ...over };
}

test('a run equal to its baseline passes every rule', () => {
  const result = checkRegression(goodRun(), baseline());
  assert.deepEqual(result.violations, []);
  assert.equal(result.passed, true);
  assert.deepEqual(result.skipped, []);
});

test('FPR more than 0.02 points above the baseline breaks fpr_rise; exactly +0.02 does not', () => {
  const now = goodRun(); // FPR 1%
  const broken = checkRegression(now, baseline({ fpr: 0.0097 }));
  assert.equal(broken.passed, false);
  assert.deepEqual(broken.violations.map((v) => v.rule), ['fpr_rise']);
  assert.equal(broken.violations[0].current, 0.01);
  assert.match(broken.violations[0].message, /FPR 1\.00% is above the baseline 0\.97% \+ 0\.02 points/);
  assert.equal(checkRegression(now, baseline({ fpr: 0.0098 })).passed, true);
});

test('a method under the 95% floor breaks detection_floor even when the baseline was as bad', () => {
  const results = [
    judged(CLEAN, verdict(false)),
    ...Array.from({ length: 20 }, (_, i) => judged(stego('exif'), verdict(i !== 0))), // 95%: on the floor
    ...Array.from({ length: 10 }, (_, i) => judged(stego('raw'), verdict(i !== 0))), // 90%
  ];
  const now = computeMetrics(results, RUN);
  const result = checkRegression(now, baselineOf(now, null, null));
  assert.deepEqual(result.violations.map((v) => [v.rule, v.subject]), [['detection_floor', 'raw']]);
  assert.match(result.violations[0].message, /raw detection 90\.00% is under the 95\.00% floor/);
  assert.ok(result.skipped.some((s) => s.includes('alpha')), 'methods absent from the run are named as skipped');
});

test('a method more than 5 points below its baseline breaks detection_drop (beside the floor, which it implies)', () => {
  // With rates capped at 100%, 5 points under any baseline is under 95%: the drop never breaks alone.
  const results = [
    judged(CLEAN, verdict(false)),
    ...Array.from({ length: 100 }, (_, i) => judged(stego('alpha', 'lsb-first'), verdict(i >= 10))), // 90%
  ];
  const now = computeMetrics(results, RUN);
  const dropped = checkRegression(now, baseline({ detection: { alpha: 1 } }));
  assert.deepEqual(dropped.violations.map((v) => [v.rule, v.subject]), [['detection_floor', 'alpha'], ['detection_drop', 'alpha']]);
  const drop = dropped.violations[1];
  assert.equal(drop.limit, 0.95);
  assert.match(drop.message, /alpha detection 90\.00% is more than 5 points below the baseline 100\.00%/);
  const small = checkRegression(now, baseline({ detection: { alpha: 0.94 } }));
  assert.deepEqual(small.violations.map((v) => v.rule), ['detection_floor'], '4 points below is no drop');
});

test('p95 latency above 1.2x the baseline breaks latency_p95', () => {
  const now = goodRun(); // p95 10 ms
  const broken = checkRegression(now, baseline({ latency_p95_ms: 8 }));
  assert.deepEqual(broken.violations.map((v) => v.rule), ['latency_p95']);
  assert.match(broken.violations[0].message, /p95 latency 10\.00 ms is above 1\.2x the baseline 8\.00 ms \(limit 9\.60 ms\)/);
  assert.equal(checkRegression(now, baseline({ latency_p95_ms: 8.5 })).passed, true);
});

test('p95 latency at exactly 1.2x the baseline passes; a hair above it fails', () => {
  const now = goodRun(); // p95 10 ms
  const exact = 10 / 1.2; // 8.333333333333334, and 8.333333333333334 * 1.2 === 10
  assert.equal(exact * 1.2, 10, 'the limit must be exactly the current p95 for this test to mean anything');
  assert.deepEqual(checkRegression(now, baseline({ latency_p95_ms: exact })).violations, [], '"passes 1.2x" means above it, not at it');
  const justUnder = 8.333333333333332; // limit 9.999999999999998
  assert.deepEqual(checkRegression(now, baseline({ latency_p95_ms: justUnder })).violations.map((v) => v.rule), ['latency_p95']);
});

test('a baseline can be a --json output; junk is a typed BAD_BASELINE error', () => {
  const m = goodRun();
  const fromReport = parseBaseline({ kind: 'starwatch-validate', v: 1, metrics: m, model: null, dataset: 'd' });
  assert.equal(fromReport.fpr, 0.01);
  assert.equal(fromReport.latency_p95_ms, 10);
  assert.equal(fromReport.detection.raw, 1);
  assert.throws(() => parseBaseline([1, 2]), { code: 'BAD_BASELINE' });
  assert.throws(() => parseBaseline({ kind: 'starwatch-validate-baseline', v: 1, fpr: 2, detection: {}, latency_p95_ms: 1 }), { code: 'BAD_BASELINE', message: /fpr/ });
  assert.throws(() => parseBaseline({ kind: 'starwatch-validate-baseline', v: 1, fpr: 0, detection: { stegano: 1 }, latency_p95_ms: 1 }), { code: 'BAD_BASELINE', message: /stegano/ });
});

test('each violation carries its current figure, baseline and limit', () => {
  const now = goodRun(); // FPR 1%, p95 10 ms
  const [fpr] = checkRegression(now, baseline({ fpr: 0.005 })).violations;
  assert.deepEqual([fpr.rule, fpr.subject, fpr.current, fpr.baseline], ['fpr_rise', 'fpr', 0.01, 0.005]);
  assert.ok(Math.abs(fpr.limit - 0.0052) < 1e-15, `limit ${fpr.limit}`);
  const [latency] = checkRegression(now, baseline({ latency_p95_ms: 8 })).violations;
  assert.deepEqual([latency.subject, latency.current, latency.baseline], ['latency_p95', 10, 8]);
  assert.ok(Math.abs(latency.limit - 9.6) < 1e-12, `limit ${latency.limit}`);
});

test('detection exactly 5 points below the baseline is no drop', () => {
  const results = [judged(CLEAN, verdict(false)), ...Array.from({ length: 20 }, (_, i) => judged(stego('alpha'), verdict(i !== 0)))]; // 95%
  const now = computeMetrics(results, RUN);
  const result = checkRegression(now, { ...baselineOf(now, null, null), detection: { alpha: 1 } });
  assert.deepEqual(result.violations, [], '95% against 100% is exactly 5 points: allowed');
  const drop = checkRegression(now, { ...baselineOf(now, null, null), detection: { alpha: 1.0001 } }).violations;
  assert.deepEqual(drop.map((v) => [v.rule, v.subject, v.baseline]), [['detection_drop', 'alpha', 1.0001]]);
});

test('figures either side could not measure are skipped, each with its reason', () => {
  // Stego only (no clean images), and none of them reached the model.
  const unscored = { ...judged(stego('alpha'), verdict(true)), verdict: null, timings: null, error: { code: 'CORRUPT_IMAGE', message: 'x' } };
  const blind = computeMetrics([unscored], RUN);
  const result = checkRegression(blind, baseline());
  assert.equal(result.passed, true);
  assert.ok(result.skipped.includes('fpr_rise: this run has no clean images'), result.skipped.join('\n'));
  assert.ok(result.skipped.includes('latency_p95: no image reached the model'), result.skipped.join('\n'));
  assert.ok(result.skipped.includes('detection alpha: no alpha images in this run'), result.skipped.join('\n'));

  const empty = checkRegression(goodRun(), baseline({ fpr: null, latency_p95_ms: null, detection: {} }));
  assert.deepEqual(empty.violations, []);
  assert.ok(empty.skipped.includes('fpr_rise: the baseline has no FPR'), empty.skipped.join('\n'));
  assert.ok(empty.skipped.includes('latency_p95: the baseline has no p95'), empty.skipped.join('\n'));
  assert.ok(empty.skipped.includes('detection_drop alpha: the baseline has no alpha detection'), empty.skipped.join('\n'));
  const nulls = checkRegression(goodRun(), baseline({ detection: { alpha: null } as Baseline['detection'] }));
  assert.ok(nulls.skipped.includes('detection_drop alpha: the baseline has no alpha detection'), 'null is no figure either');
});

test('a floor violation names the baseline figure when there is one, null when there is none', () => {
  const results = [judged(CLEAN, verdict(false)), ...Array.from({ length: 10 }, (_, i) => judged(stego('raw'), verdict(i !== 0)))]; // 90%
  const now = computeMetrics(results, RUN);
  const [withBaseline] = checkRegression(now, baselineOf(now, null, null)).violations;
  assert.deepEqual([withBaseline.rule, withBaseline.baseline, withBaseline.current, withBaseline.limit], ['detection_floor', 0.9, 0.9, 0.95]);
  const [without] = checkRegression(now, { ...baselineOf(now, null, null), detection: {} }).violations;
  assert.deepEqual([without.rule, without.baseline], ['detection_floor', null]);
});
