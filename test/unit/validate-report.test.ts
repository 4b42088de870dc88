import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ablationRows } from '../../validate/ablation.ts';
import { baselineOf } from '../../validate/baseline.ts';
import { computeMetrics } from '../../validate/metrics.ts';
import { checkRegression } from '../../validate/regression.ts';
import { reportMarkdown } from '../../validate/report-md.ts';
import { validationPoints } from '../../validate/summary-points.ts';
import { checkTargets } from '../../validate/targets.ts';
import { summaryText } from '../../validate/text-summary.ts';
import { figuresByDataset } from '../../validate/per-dataset.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import { CLEAN, failed, judged, stego, verdict } from './validate-fixture.ts';

const MODEL = { id: 'm.onnx', version: 'm-1', sha256: 'a'.repeat(64) };
const RUN = { busyMs: 10, peakRss: { sampledBytes: 1 << 20, processMaxBytes: 1 << 21 } };

function report(): ValidationReport {
  const results = [
    judged(CLEAN, verdict(false), 'PNG', 2),
    judged(CLEAN, verdict(true), 'JPEG', 2), // FPR 50%: fails its target
    judged(stego('raw'), verdict(true, { method: 'raw', bitOrder: 'none' }), 'JPEG', 2),
    judged(stego('exif'), verdict(true, { method: 'exif', bitOrder: 'none' }), 'JPEG', 2),
    failed('CORRUPT_IMAGE'),
  ];
  const metrics = computeMetrics(results, RUN);
  // Zeroing meta loses the raw detection; zeroing pixels changes nothing.
  const zeroed = new Map([
    ['pixel_tensor', results.map((r) => r.verdict)],
    ['meta', results.map((r, i) => (i === 2 ? verdict(false) : r.verdict))],
  ] as const);
  return {
    kind: 'starwatch-validate', v: 1, created: '2025-01-01T00:00:00.000Z', dataset: '/data/set-a', model: MODEL,
    inputs: ['pixel_tensor', 'meta'], metrics, byDataset: figuresByDataset(results), targets: checkTargets(metrics),
    regression: checkRegression(metrics, { ...baselineOf(metrics, null, null), fpr: 0.1 }),
    ablation: ablationRows(results, zeroed),
    problems: [{ file: 'bad.png', code: 'CORRUPT_IMAGE', message: 'broken | really' }],
  };
}

test('the Markdown report shows metrics with targets and statuses, methods, latency and dataset quality', () => {
  const md = reportMarkdown(report());
  assert.match(md, /^# Validation: m\.onnx/);
  assert.match(md, /\| FPR \| 50\.00% \| <= 1\.00% \| ❌ fail \|/);
  assert.match(md, /\| detection raw \| 100\.00% \| >= 95\.00% \| ✅ pass \|/);
  assert.match(md, /\| detection alpha \| n\/a \| >= 95\.00% \| ➖ n\/a \|/);
  assert.match(md, /\| raw \| 1 \| 100\.00% \(1\/1\) \| 100\.00% \(1\/1\) \| 100\.00% \(1\/1\) \|/);
  assert.match(md, /## Latency and resources/);
  assert.match(md, /\| 2\.00 ms \| 2\.00 ms \| 2\.00 ms \|/);
  assert.match(md, /\| problems per code \| CORRUPT_IMAGE 1 \|/);
  assert.match(md, /Regression status: \*\*FAIL\*\*/);
  assert.match(md, /\| fpr_rise \| fpr \| 50\.00% \| 10\.00% \| 10\.02% \|/);
  assert.match(md, /broken \\\| really/, 'pipes inside cells are escaped');
});

test('ablation gives one row per zeroed stream, ranked by impact', () => {
  const r = report();
  assert.deepEqual(r.ablation!.map((a) => [a.rank, a.stream, a.flipped]), [[1, 'meta', 1], [2, 'pixel_tensor', 0]]);
  assert.equal(r.ablation![0].deltaDetection, -0.5);
  assert.equal(r.ablation![0].deltaFpr, 0);
  const md = reportMarkdown(r);
  assert.match(md, /\| 1 \| meta \| 50\.00% \(1\/2\) \| 0\.00 \| 50\.00% \(1\/2\) \| -50\.00 \| 1 \|/);
  assert.match(summaryText(r), /BROKEN fpr_rise: FPR 50\.00% is above the baseline 10\.00%/);
});

test('summary points: one run point and one per ablated stream, unmeasured figures left out', () => {
  const points = validationPoints(report(), 'run1', 1_700_000_000_000);
  assert.equal(points.length, 3);
  const [run, ablation] = points;
  assert.deepEqual(run.tags, { model_version: 'm-1', dataset: 'set-a', kind: 'run', stream: 'none' });
  assert.equal(run.ts_ns, '1700000000000000000');
  assert.equal(run.fields.fpr, 0.5);
  assert.equal(run.fields.det_raw, 1);
  assert.equal(run.fields.passed, false);
  assert.equal(run.fields.violations, 1);
  assert.ok(!('det_alpha' in run.fields), 'no alpha images: no det_alpha field (never a fake 0)');
  assert.deepEqual(ablation.tags, { model_version: 'm-1', dataset: 'set-a', kind: 'ablation', stream: 'meta' });
  assert.equal(ablation.fields.rank, 1);
});
