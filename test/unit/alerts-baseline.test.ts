// One baseline format: what `validate --write-baseline` writes is what the collector's rules read
// (FPR, every method's detection and latency: none silently dropped); anything else stops the
// start with a clear, typed error. The shipped reference baseline matches its validation report.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHODS } from '../../v4/contract.ts';
import { BaselineError, loadBaseline } from '../../collector/alerts/baseline.ts';
import { evaluateRules } from '../../collector/alerts/rules.ts';
import { baselineOf, writeBaseline } from '../../validate/baseline.ts';
import { computeMetrics } from '../../validate/metrics.ts';
import { CLEAN, judged, stego, verdict } from './validate-fixture.ts';

const RUN = { busyMs: 100, peakRss: { sampledBytes: 1, processMaxBytes: 1 } };

test('validate --write-baseline feeds the collector: FPR, detection per method and latency all arrive', async () => {
  const metrics = computeMetrics(
    [
      ...Array.from({ length: 100 }, (_, i) => judged(CLEAN, verdict(i < 2), 'PNG', 10)),
      ...METHODS.flatMap((m) => Array.from({ length: 20 }, (_, i) => judged(stego(m), verdict(i > 0), 'PNG', 10))),
    ],
    RUN,
  );
  const dir = mkdtempSync(join(tmpdir(), 'alerts-baseline-'));
  try {
    const file = join(dir, 'baseline.json');
    await writeBaseline(file, baselineOf(metrics, { id: 'm.onnx', version: 'm-1', sha256: 'a'.repeat(64) }, 'd'));
    const b = await loadBaseline(file);
    assert.equal(b.fpr, 0.02);
    assert.deepEqual(Object.keys(b.detectionByMethod ?? {}).sort(), [...METHODS].sort());
    assert.equal(b.detectionByMethod?.alpha, 0.95);
    assert.equal(b.latencyP95Ms, 10);
    assert.equal(b.model, 'm-1');
    // And the regression rules run on all three.
    const rules = new Set(evaluateRules({ ts: 0, key: 'overall', fpr: 0.01, latencyP95Ms: 9, detectionByMethod: { alpha: 0.99 } }, { baseline: b }).map((c) => c.ruleId));
    for (const r of ['fpr_regression', 'detection_regression', 'latency_p95_regression']) assert.ok(rules.has(r), r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file of another shape or version is refused with what is wrong and how to fix it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alerts-baseline-'));
  try {
    const cases: [unknown, RegExp][] = [
      [{ fpr: 0.0003, latencyP95Ms: 3.1, detectionByMethod: { alpha: 0.995 } }, /kind is undefined, expected "starwatch-validate-baseline" \(write one with starwatch validate --write-baseline\)/],
      [{ kind: 'starwatch-validate-baseline', v: 2, fpr: 0, detection: {}, latency_p95_ms: null }, /unsupported version 2/],
      [{ kind: 'starwatch-validate-baseline', v: 1, fpr: 0, detection: { dct: 0.9 }, latency_p95_ms: null }, /unknown method dct/],
    ];
    for (const [i, [content, why]] of cases.entries()) {
      const file = join(dir, `b${i}.json`);
      writeFileSync(file, JSON.stringify(content));
      await assert.rejects(loadBaseline(file), (e: unknown) => e instanceof BaselineError && e.code === 'baseline_invalid' && why.test(e.message) && e.message.includes(file));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped reference baseline is the held-out validation report of the shipped reference model', async () => {
  const b = await loadBaseline(new URL('../../models/v4-reference.baseline.json', import.meta.url).pathname);
  const report = JSON.parse(readFileSync(new URL('../../models/validation-heldout.json', import.meta.url), 'utf8'));
  const model = readFileSync(new URL('../../models/v4-reference.onnx', import.meta.url));
  assert.equal(report.model.sha256, createHash('sha256').update(model).digest('hex'), 'the report judged the model that ships');
  assert.equal(b.model, report.model.version);
  assert.equal(b.fpr, report.metrics.fpr.rate);
  for (const m of METHODS) assert.equal(b.detectionByMethod?.[m], report.metrics.methods[m].detection.rate, m);
  assert.equal(b.latencyP95Ms, report.metrics.latencyMs.p95);
});
