import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateRules } from '../../collector/alerts/rules.ts';
import { BaselineError, loadBaseline, parseBaseline } from '../../collector/alerts/baseline.ts';
import type { AlertCondition } from '../../collector/alerts/types.ts';
import { assertAll } from '../harness/assert-all.ts';

function find(conditions: AlertCondition[], ruleId: string, key = 'overall'): AlertCondition {
  const c = conditions.find((x) => x.ruleId === ruleId && x.key === key);
  assert.ok(c, `no ${ruleId} condition for ${key}`);
  return c;
}

test('rules: Starlight target thresholds (FPR 0.05%, detection 99%, p95 5 ms, imbalance 10 points)', () => {
  const ok = evaluateRules({ ts: 0, key: 'overall', fpr: 0.0004, latencyP95Ms: 4.9, detectionByMethod: { alpha: 0.995, exif: 0.991 } });
  assertAll(ok, (c) => !c.active, 'all within targets');
  const bad = evaluateRules({ ts: 0, key: 'overall', fpr: 0.0006, latencyP95Ms: 5.1, detectionByMethod: { alpha: 0.995, exif: 0.88 } });
  assert.equal(find(bad, 'fpr_above_target').active, true);
  assert.equal(find(bad, 'fpr_above_target').severity, 'critical');
  assert.equal(find(bad, 'latency_p95_above_target').active, true);
  assert.equal(find(bad, 'detection_below_target', 'overall/method=exif').active, true);
  assert.equal(find(bad, 'detection_below_target', 'overall/method=alpha').active, false);
  assert.equal(find(bad, 'method_imbalance').active, true);
  assert.match(find(bad, 'fpr_above_target').summary, /FPR 0\.060% > 0\.050%/);
});

test('rules: regressions against a baseline file (FPR 1.1x, detection 0.95x, p95 1.2x)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-baseline-'));
  const path = join(dir, 'baseline.json');
  writeFileSync(path, JSON.stringify({ kind: 'starwatch-validate-baseline', v: 1, model: null, dataset: null, created: null, fpr: 0.0002, latency_p95_ms: 3, detection: { alpha: 1, raw: 0.99 } }));
  const baseline = await loadBaseline(path);
  const c = evaluateRules({ ts: 0, key: 'overall', fpr: 0.00023, latencyP95Ms: 3.5, detectionByMethod: { alpha: 0.94, raw: 0.99 } }, { baseline });
  assert.equal(find(c, 'fpr_regression').active, true, '0.023% > 1.1 x 0.02%');
  assert.equal(find(c, 'fpr_above_target').active, false, 'yet within the absolute target');
  assert.equal(find(c, 'latency_p95_regression').active, false, '3.5 ms < 1.2 x 3 ms');
  assert.equal(find(c, 'detection_regression', 'overall/method=alpha').active, true);
  assert.equal(find(c, 'detection_regression', 'overall/method=raw').active, false);
});

test('rules: anomaly flags become conditions per series', () => {
  const point = { ts: 0, value: 9, expected: 3, score: 0.9, isAnomaly: true, detector: 'robust-z' };
  const c = evaluateRules({ ts: 0, key: 'agent:a', anomalies: { latency_p95: point, error_rate: { ...point, isAnomaly: false } } });
  assert.equal(find(c, 'anomaly', 'agent:a/latency_p95').active, true);
  assert.equal(find(c, 'anomaly', 'agent:a/latency_p95').forMs, 0);
  assert.equal(find(c, 'anomaly', 'agent:a/error_rate').active, false);
});

test('rules: a bad baseline is a typed error', async () => {
  assert.throws(() => parseBaseline({ kind: 'starwatch-validate-baseline', v: 1, fpr: 2, detection: {}, latency_p95_ms: 1 }), (e: unknown) => e instanceof BaselineError && e.code === 'baseline_invalid');
  assert.throws(() => parseBaseline(null), BaselineError);
  await assert.rejects(loadBaseline('/nonexistent/baseline.json'), (e: unknown) => e instanceof BaselineError && e.code === 'baseline_unreadable');
});

test('rules: a baseline of 0 false positives in 400 clean images is "under about 1%", not 0%', () => {
  const baseline = parseBaseline({ kind: 'starwatch-validate-baseline', v: 1, fpr: 0, fpr_clean: 400, detection: {}, latency_p95_ms: null });
  assert.equal(baseline.fprClean, 400);
  const snapshot = (hits: number, n: number) => ({ ts: 0, key: 'overall', fpr: hits / n, counts: { fpr: { hits, n } } });
  // A live FPR of 0.3% over 2000 clean events: surely above 0%, within what 0/400 can vouch for.
  const usual = evaluateRules(snapshot(6, 2000), { baseline });
  assert.equal(find(usual, 'fpr_regression').active, false, 'no page for the first false positives');
  assert.equal(find(usual, 'fpr_regression').threshold > 0.01, true, '1.1 x the 95% upper bound of 0/400 (0.95%)');
  assert.match(find(usual, 'fpr_regression').summary, /0\/400 clean; 95% upper 0\.951%/);
  assert.equal(usual.some((c) => c.ruleId === 'fpr_above_target'), false, '0/400 cannot show 0.05%: the standing notice says so');
  // 5% over 2000: a regression whatever the baseline's own uncertainty.
  assert.equal(find(evaluateRules(snapshot(100, 2000), { baseline }), 'fpr_regression').active, true);
  // Without the count (files before fpr_clean) the bare rate stays the limit.
  const bare = parseBaseline({ kind: 'starwatch-validate-baseline', v: 1, fpr: 0, detection: {}, latency_p95_ms: null });
  assert.equal(find(evaluateRules(snapshot(6, 2000), { baseline: bare }), 'fpr_regression').active, true);
  assert.throws(() => parseBaseline({ kind: 'starwatch-validate-baseline', v: 1, fpr: 0, fpr_clean: 2.5, detection: {}, latency_p95_ms: null }), /fpr_clean/);
});
