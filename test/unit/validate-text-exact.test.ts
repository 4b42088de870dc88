// The validate outputs people read (Markdown report, terminal summary, model comparison), pinned
// line by line: every label, separator and "n/a" branch is part of what a reader and the docs
// rely on, so a changed word must fail here. Reports are built by hand (validate-exact-fixture.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { compareMarkdown, compareModels, compareText } from '../../validate/compare.ts';
import { reportMarkdown } from '../../validate/report-md.ts';
import { ablationText, regressionText, summaryText, targetValue } from '../../validate/text-summary.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import { emptyReport, fullReport, r } from './validate-exact-fixture.ts';

/** A run with a baseline that held, and one problem file. */
function passReport(): ValidationReport {
  return { ...emptyReport(), regression: { passed: true, violations: [], skipped: [] }, problems: [{ file: 'a.png', code: 'X', message: 'y' }] };
}

/** Two models side by side; the second saw only BMP clean images (formats are listed sorted). */
function twoReports(): ValidationReport[] {
  const second = emptyReport();
  return [fullReport(), { ...second, byDataset: fullReport().byDataset, metrics: { ...second.metrics, fprByFormat: { BMP: r(0, 1) } } }];
}

const FULL_MD = [
  "# Validation: v4.onnx",
  "",
  "- Model: `v4.onnx`, version `v4-2026.11`, sha256 `0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`",
  "- Inputs declared: pixel_tensor, meta",
  "- Dataset: `/data/runs/set-a`: 40 files, 37 judged, 35 judged and labelled",
  "- Run: 2026-12-01T00:00:00.000Z",
  "- Regression status: **FAIL**",
  "",
  "## Metrics against targets",
  "",
  "| Metric | Value | Target | Status |",
  "| --- | --- | --- | --- |",
  "| FPR | 8.33% | <= 1.00% | ❌ fail |",
  "| latency p95 | 9.50 ms | <= 12.3 ms | ✅ pass |",
  "| throughput | 123.5/s | >= 93/s | ✅ pass |",
  "| bit-order accuracy | n/a | >= 90.00% | ➖ n/a |",
  "",
  "FPR by format: JPEG 25.00% (1/4), PNG 0.00% (0/8). Accuracy (clean vs stego): 85.71% (30/35).",
  "",
  "## Per method",
  "",
  "| Method | Images | Detection | Method accuracy | Bit-order accuracy |",
  "| --- | --- | --- | --- | --- |",
  "| alpha | 5 | 100.00% (5/5) | 80.00% (4/5) | 60.00% (3/5) |",
  "| palette | 4 | 75.00% (3/4) | 50.00% (2/4) | 25.00% (1/4) |",
  "| lsb.rgb | 6 | 100.00% (6/6) | 83.33% (5/6) | 100.00% (6/6) |",
  "| exif | 3 | 66.67% (2/3) | 100.00% (3/3) | n/a (0) |",
  "| raw | 3 | 100.00% (3/3) | 33.33% (1/3) | n/a (0) |",
  "",
  "Stego of algorithms without a method of ours: dct 100.00% (2/2).",
  "",
  "Bit order over all labelled images: 66.67% (10/15) (lsb-first 77.78% (7/9), msb-first 50.00% (3/6), none n/a (0)).",
  "",
  "## Latency and resources",
  "",
  "| p50 | p95 | p99 | mean | max | throughput | peak RSS (sampled) | process RSS high-water |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  "| 3.26 ms | 9.50 ms | 12.13 ms | 4.01 ms | 16.00 ms | 123.5 files/s | 210 MB | 260 MB |",
  "",
  "Latency is per file from decode to verdict, sequential, batch 1.",
  "",
  "## Dataset quality",
  "",
  "| Measure | Value |",
  "| --- | --- |",
  "| classes | clean 12, stego:alpha 5 |",
  "| clean share | 33.33% |",
  "| method mix entropy | 2.250 bits (evenness 0.969) |",
  "| method imbalance (max/min) | 2.00x |",
  "| missing methods | none |",
  "| formats | PNG 30, JPEG 10 |",
  "| modes | RGB 38, RGBA 2 |",
  "| sizes vs 256x256 | 4 smaller (padded), 30 exact, 6 larger (cropped) |",
  "| problems per code | CORRUPT_IMAGE 2, UNLABELLED 1 |",
  "",
  "## Per dataset",
  "",
  "| DATASET | FILES | FPR | DETECTION | DET alpha | DET palette | DET lsb.rgb | DET exif | DET raw | OTHER ALGORITHMS |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  "| set-a | 30 | 10.00% (1/10) | 93.75% (15/16) | 50.00% (1/2) | n/a (0) | 100.00% (2/2) | n/a (0) | 0.00% (0/1) | none |",
  "| set-b | 10 | 0.00% (0/2) | 85.71% (6/7) | 50.00% (1/2) | n/a (0) | 100.00% (2/2) | n/a (0) | 0.00% (0/1) | dct 100.00% (2/2) |",
  "",
  "## Regression against the baseline",
  "",
  "| Rule | Subject | Current | Baseline | Limit | Why |",
  "| --- | --- | --- | --- | --- | --- |",
  "| fpr_rise | fpr | 8.33% | 5.00% | 5.02% | FPR \\| rose |",
  "| latency_p95 | latency_p95 | 9.50 ms | 7.00 ms | 8.40 ms | p95 slower |",
  "| detection_floor | palette | 75.00% | n/a | 95.00% | palette under the floor |",
  "",
  "- skipped: detection exif: none",
  "- skipped: latency_p95: no p95",
  "",
  "## Ablation (one stream zeroed at a time, ranked by impact)",
  "",
  "| Rank | Stream | FPR | Δ FPR (points) | Detection | Δ detection (points) | Verdicts flipped | Mean abs Δ P(stego) |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  "| 1 | meta | 16.67% (2/12) | +8.33 | 78.26% (18/23) | -13.04 | 4 | 0.123 |",
  "| 2 | alpha | 8.33% (1/12) | 0.00 | 91.30% (21/23) | 0.00 | 0 | 0.00123 |",
  "",
  "## Files with problems",
  "",
  "| File | Code | Message |",
  "| --- | --- | --- |",
  // The first 50 of the 52 problems, then how many more.
  ...Array.from({ length: 50 }, (_, i) => `| bad-${i}.png | CORRUPT_IMAGE | cut at ${i} |`),
  "",
  "… and 2 more (see --json).",
  "",
].join('\n');

const EMPTY_MD = [
  "# Validation: m.onnx",
  "",
  "- Model: `m.onnx`, version `m.onnx`, sha256 `ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff`",
  "- Inputs declared: pixel_tensor",
  "- Dataset: `plain`: 2 files, 0 judged, 0 judged and labelled",
  "- Run: 2026-12-01T00:00:00.000Z",
  "- Regression status: **no baseline**",
  "",
  "## Metrics against targets",
  "",
  "| Metric | Value | Target | Status |",
  "| --- | --- | --- | --- |",
  "",
  "FPR by format: n/a. Accuracy (clean vs stego): n/a (0).",
  "",
  "## Per method",
  "",
  "| Method | Images | Detection | Method accuracy | Bit-order accuracy |",
  "| --- | --- | --- | --- | --- |",
  "| alpha | 0 | n/a (0) | n/a (0) | n/a (0) |",
  "| palette | 0 | n/a (0) | n/a (0) | n/a (0) |",
  "| lsb.rgb | 0 | n/a (0) | n/a (0) | n/a (0) |",
  "| exif | 0 | n/a (0) | n/a (0) | n/a (0) |",
  "| raw | 0 | n/a (0) | n/a (0) | n/a (0) |",
  "",
  "Stego of algorithms without a method of ours: none.",
  "",
  "Bit order over all labelled images: n/a (0) (lsb-first n/a (0), msb-first n/a (0), none n/a (0)).",
  "",
  "## Latency and resources",
  "",
  "| p50 | p95 | p99 | mean | max | throughput | peak RSS (sampled) | process RSS high-water |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  "| n/a | n/a | n/a | n/a | n/a | n/a | 0 MB | 0 MB |",
  "",
  "Latency is per file from decode to verdict, sequential, batch 1.",
  "",
  "## Dataset quality",
  "",
  "| Measure | Value |",
  "| --- | --- |",
  "| classes | none |",
  "| clean share | n/a |",
  "| method mix entropy | 0.000 bits (evenness 0.000) |",
  "| method imbalance (max/min) | n/a |",
  "| missing methods | alpha, palette, lsb.rgb, exif, raw |",
  "| formats | none |",
  "| modes | none |",
  "| sizes vs 256x256 | 0 smaller (padded), 0 exact, 0 larger (cropped) |",
  "| problems per code | none |",
  "",
].join('\n');

// A run whose baseline held: the empty report's text with its status, then the regression and problem sections.
const PASS_MD =
  EMPTY_MD.replace('Regression status: **no baseline**', 'Regression status: **PASS**') +
  [
    "",
    "## Regression against the baseline",
    "",
    "All rules hold.",
    "",
    "## Files with problems",
    "",
    "| File | Code | Message |",
    "| --- | --- | --- |",
    "| a.png | X | y |",
    "",
  ].join('\n');

const FULL_TEXT = [
  "model   v4.onnx (version v4-2026.11, sha256 0123456789ab), inputs: pixel_tensor, meta",
  "dataset /data/runs/set-a: 40 files, 37 judged, 35 judged and labelled",
  "",
  "METRIC              VALUE    TARGET      STATUS",
  "FPR                 8.33%    <= 1.00%    FAIL",
  "latency p95         9.50 ms  <= 12.3 ms  PASS",
  "throughput          123.5/s  >= 93/s     PASS",
  "bit-order accuracy  n/a      >= 90.00%   N/A",
  "",
  "FPR 8.33% (1/12); by format: JPEG 25.00% (1/4), PNG 0.00% (0/8)",
  "accuracy (clean vs stego) 85.71% (30/35)",
  "",
  "METHOD   N  DETECTION      METHOD ACC     BIT-ORDER ACC",
  "alpha    5  100.00% (5/5)  80.00% (4/5)   60.00% (3/5)",
  "palette  4  75.00% (3/4)   50.00% (2/4)   25.00% (1/4)",
  "lsb.rgb  6  100.00% (6/6)  83.33% (5/6)   100.00% (6/6)",
  "exif     3  66.67% (2/3)   100.00% (3/3)  n/a (0)",
  "raw      3  100.00% (3/3)  33.33% (1/3)   n/a (0)",
  "stego of algorithms without a method of ours: dct 100.00% (2/2)",
  "bit order: 66.67% (10/15); lsb-first 77.78% (7/9), msb-first 50.00% (3/6), none n/a (0)",
  "",
  "latency p50 3.26 ms, p95 9.50 ms, p99 12.13 ms, mean 4.01 ms, max 16.00 ms (n 37)",
  "throughput 123.5 files/s (sequential, batch 1); peak RSS 210 MB sampled (process high-water 260 MB)",
  "",
  "dataset classes: clean 12, stego:alpha 5; clean share 33.33%",
  "method mix entropy 2.250 bits (evenness 0.969), imbalance 2.00x, missing methods: none",
  "formats: PNG 30, JPEG 10; modes: RGB 38, RGBA 2; sizes vs 256x256: 4 smaller (padded), 30 exact, 6 larger (cropped)",
  "problems per code: CORRUPT_IMAGE 2, UNLABELLED 1",
  "",
  "DATASET  FILES  FPR            DETECTION       DET alpha     DET palette  DET lsb.rgb    DET exif  DET raw      OTHER ALGORITHMS",
  "set-a    30     10.00% (1/10)  93.75% (15/16)  50.00% (1/2)  n/a (0)      100.00% (2/2)  n/a (0)   0.00% (0/1)  none",
  "set-b    10     0.00% (0/2)    85.71% (6/7)    50.00% (1/2)  n/a (0)      100.00% (2/2)  n/a (0)   0.00% (0/1)  dct 100.00% (2/2)",
  "",
  "regression vs baseline: FAIL (3 rules broken)",
  "  BROKEN fpr_rise: FPR | rose",
  "  BROKEN latency_p95: p95 slower",
  "  BROKEN detection_floor: palette under the floor",
  "  skipped detection exif: none",
  "  skipped latency_p95: no p95",
  "",
  "ablation (each stream fed as zeros; deltas in percentage points, zeroed minus plain):",
  "RANK  STREAM  FPR            dFPR   DETECTION       dDET    FLIPPED  MEAN |dP|",
  "1     meta    16.67% (2/12)  +8.33  78.26% (18/23)  -13.04  4        0.123",
  "2     alpha   8.33% (1/12)   0.00   91.30% (21/23)  0.00    0        0.00123",
].join('\n');

const EMPTY_TEXT = [
  "model   m.onnx (version m.onnx, sha256 ffffffffffff), inputs: pixel_tensor",
  "dataset plain: 2 files, 0 judged, 0 judged and labelled",
  "",
  "METRIC  VALUE  TARGET  STATUS",
  "",
  "FPR n/a (0); by format: n/a",
  "accuracy (clean vs stego) n/a (0)",
  "",
  "METHOD   N  DETECTION  METHOD ACC  BIT-ORDER ACC",
  "alpha    0  n/a (0)    n/a (0)     n/a (0)",
  "palette  0  n/a (0)    n/a (0)     n/a (0)",
  "lsb.rgb  0  n/a (0)    n/a (0)     n/a (0)",
  "exif     0  n/a (0)    n/a (0)     n/a (0)",
  "raw      0  n/a (0)    n/a (0)     n/a (0)",
  "stego of algorithms without a method of ours: none",
  "bit order: n/a (0); lsb-first n/a (0), msb-first n/a (0), none n/a (0)",
  "",
  "latency n/a (no file reached the model)",
  "throughput n/a (sequential, batch 1); peak RSS 0 MB sampled (process high-water 0 MB)",
  "",
  "dataset classes: none; clean share n/a",
  "method mix entropy 0.000 bits (evenness 0.000), imbalance n/a, missing methods: alpha, palette, lsb.rgb, exif, raw",
  "formats: none; modes: none; sizes vs 256x256: 0 smaller (padded), 0 exact, 0 larger (cropped)",
  "problems per code: none",
].join('\n');

// The passing report's text is the empty report's with the regression line it adds.
const PASS_TEXT = EMPTY_TEXT + '\n\nregression vs baseline: PASS';

const COMPARE_MD = [
  "# Model comparison",
  "",
  "- Dataset: `/data/runs/set-a`, 40 files, judged by each model in turn",
  "- `v4.onnx`: version `v4-2026.11`, inputs pixel_tensor, meta, sha256 `0123456789ab`",
  "- `m.onnx`: version `m.onnx`, inputs pixel_tensor, sha256 `ffffffffffff`",
  "",
  "| METRIC | v4.onnx (v4-2026.11) | m.onnx |",
  "| --- | --- | --- |",
  "| inputs | 2 | 1 |",
  "| model size | 3.00 MB | 1.50 MB |",
  "| files judged | 37/40 | 0/2 |",
  "| accuracy | 85.71% (30/35) | n/a (0) |",
  "| FPR | 8.33% (1/12) | n/a (0) |",
  "| detection (all) | 91.30% (21/23) | n/a (0) |",
  "| detection alpha | 100.00% (5/5) | n/a (0) |",
  "| detection palette | 75.00% (3/4) | n/a (0) |",
  "| detection lsb.rgb | 100.00% (6/6) | n/a (0) |",
  "| detection exif | 66.67% (2/3) | n/a (0) |",
  "| detection raw | 100.00% (3/3) | n/a (0) |",
  "| method acc alpha | 80.00% (4/5) | n/a (0) |",
  "| method acc palette | 50.00% (2/4) | n/a (0) |",
  "| method acc lsb.rgb | 83.33% (5/6) | n/a (0) |",
  "| method acc exif | 100.00% (3/3) | n/a (0) |",
  "| method acc raw | 33.33% (1/3) | n/a (0) |",
  "| bit-order accuracy | 66.67% (10/15) | n/a (0) |",
  "| latency p50 | 3.26 ms | n/a |",
  "| latency p95 | 9.50 ms | n/a |",
  "| latency p99 | 12.13 ms | n/a |",
  "| throughput | 123.5/s | n/a |",
  "| peak RSS (sampled) | 210 MB | 0 MB |",
  "| problems | 3 | 0 |",
  "| FPR BMP | n/a (0) | 0.00% (0/1) |",
  "| FPR JPEG | 25.00% (1/4) | n/a (0) |",
  "| FPR PNG | 0.00% (0/8) | n/a (0) |",
  "| FPR [set-a] | 10.00% (1/10) | 10.00% (1/10) |",
  "| detection [set-a] | 93.75% (15/16) | 93.75% (15/16) |",
  "| FPR [set-b] | 0.00% (0/2) | 0.00% (0/2) |",
  "| detection [set-b] | 85.71% (6/7) | 85.71% (6/7) |",
  "",
  "Rates are hits/n. Targets: FPR <= 1.00%, detection >= 95.00%, p95 <= 12.3 ms. Latency is per file, sequential, batch 1.",
  "",
].join('\n');

const COMPARE_TEXT = [
  "dataset /data/runs/set-a; v4.onnx: 2 inputs; m.onnx: 1 inputs",
  "",
  "METRIC              v4.onnx (v4-2026.11)  m.onnx",
  "inputs              2                     1",
  "files judged        37/40                 0/2",
  "accuracy            85.71% (30/35)        n/a (0)",
  "FPR                 8.33% (1/12)          n/a (0)",
  "detection (all)     91.30% (21/23)        n/a (0)",
  "detection alpha     100.00% (5/5)         n/a (0)",
  "detection palette   75.00% (3/4)          n/a (0)",
  "detection lsb.rgb   100.00% (6/6)         n/a (0)",
  "detection exif      66.67% (2/3)          n/a (0)",
  "detection raw       100.00% (3/3)         n/a (0)",
  "method acc alpha    80.00% (4/5)          n/a (0)",
  "method acc palette  50.00% (2/4)          n/a (0)",
  "method acc lsb.rgb  83.33% (5/6)          n/a (0)",
  "method acc exif     100.00% (3/3)         n/a (0)",
  "method acc raw      33.33% (1/3)          n/a (0)",
  "bit-order accuracy  66.67% (10/15)        n/a (0)",
  "latency p50         3.26 ms               n/a",
  "latency p95         9.50 ms               n/a",
  "latency p99         12.13 ms              n/a",
  "throughput          123.5/s               n/a",
  "peak RSS (sampled)  210 MB                0 MB",
  "problems            3                     0",
  "FPR BMP             n/a (0)               0.00% (0/1)",
  "FPR JPEG            25.00% (1/4)          n/a (0)",
  "FPR PNG             0.00% (0/8)           n/a (0)",
  "FPR [set-a]         10.00% (1/10)         10.00% (1/10)",
  "detection [set-a]   93.75% (15/16)        93.75% (15/16)",
  "FPR [set-b]         0.00% (0/2)           0.00% (0/2)",
  "detection [set-b]   85.71% (6/7)          85.71% (6/7)",
  "",
  "(rates: hits/n; targets: FPR <= 1.00%, detection >= 95.00%, p95 <= 12.3 ms)",
].join('\n');

const COMPARE_ONE_TEXT = [
  "dataset plain; m.onnx: 1 inputs",
  "",
  "METRIC              m.onnx",
  "inputs              1",
  "files judged        0/2",
  "accuracy            n/a (0)",
  "FPR                 n/a (0)",
  "detection (all)     n/a (0)",
  "detection alpha     n/a (0)",
  "detection palette   n/a (0)",
  "detection lsb.rgb   n/a (0)",
  "detection exif      n/a (0)",
  "detection raw       n/a (0)",
  "method acc alpha    n/a (0)",
  "method acc palette  n/a (0)",
  "method acc lsb.rgb  n/a (0)",
  "method acc exif     n/a (0)",
  "method acc raw      n/a (0)",
  "bit-order accuracy  n/a (0)",
  "latency p50         n/a",
  "latency p95         n/a",
  "latency p99         n/a",
  "throughput          n/a",
  "peak RSS (sampled)  0 MB",
  "problems            0",
  "",
  "(rates: hits/n; targets: FPR <= 1.00%, detection >= 95.00%, p95 <= 12.3 ms)",
].join('\n');

test('Markdown report: every section, table and branch of a full run, exactly', () => {
  assert.equal(reportMarkdown(fullReport()), FULL_MD);
});

test('Markdown report: nothing measured shows n/a and none, without the optional sections', () => {
  assert.equal(reportMarkdown(emptyReport()), EMPTY_MD);
});

test('Markdown report: a baseline that held, and a problem list short enough to show whole', () => {
  assert.equal(reportMarkdown(passReport()), PASS_MD);
  const fifty = { ...emptyReport(), problems: Array.from({ length: 50 }, (_, i) => ({ file: `p${i}`, code: 'C', message: 'm' })) };
  const md = reportMarkdown(fifty);
  assert.ok(md.includes('| p49 | C | m |'), 'the 50th problem is listed');
  assert.ok(!md.includes('more (see --json)'), 'exactly 50 problems: nothing left out');
});

test('terminal summary: a full run, exactly', () => {
  assert.equal(summaryText(fullReport()), FULL_TEXT);
});

test('terminal summary: nothing measured, and a baseline that held', () => {
  assert.equal(summaryText(emptyReport()), EMPTY_TEXT);
  assert.equal(summaryText(passReport()), PASS_TEXT);
});

test('regression lines: one broken rule is singular, skipped rules are listed', () => {
  const v = { rule: 'fpr_rise' as const, subject: 'fpr', current: 0.1, baseline: 0, limit: 0.0002, message: 'FPR up' };
  assert.deepEqual(regressionText({ passed: false, violations: [v], skipped: ['x'] }), [
    'regression vs baseline: FAIL (1 rule broken)',
    '  BROKEN fpr_rise: FPR up',
    '  skipped x',
  ]);
  assert.deepEqual(regressionText({ passed: true, violations: [], skipped: [] }), ['regression vs baseline: PASS']);
});

test('ablation lines: the header names what the deltas are', () => {
  assert.deepEqual(ablationText([]), [
    'ablation (each stream fed as zeros; deltas in percentage points, zeroed minus plain):',
    'RANK  STREAM  FPR  dFPR  DETECTION  dDET  FLIPPED  MEAN |dP|',
  ]);
});

test('target values: latency in ms, throughput per second, the rest as percentages, null as n/a', () => {
  const t = (name: string, value: number | null) => targetValue({ name, value, target: '', status: 'pass' });
  assert.deepEqual(
    [t('latency p95', 3.14159), t('latency', 1), t('throughput', 93.25), t('FPR', 0.0123), t('throughput', null), t('x latency', 0.5)],
    ['3.14 ms', '1.00 ms', '93.3/s', '1.23%', 'n/a', '50.00%'],
  );
});

test('model comparison: Markdown with sizes, sorted formats and per-dataset rows, exactly', () => {
  assert.equal(compareMarkdown(twoReports(), [3 * 2 ** 20, 1536 * 1024]), COMPARE_MD);
});

test('model comparison: aligned text; one dataset gives no per-dataset rows', () => {
  assert.equal(compareText(twoReports()), COMPARE_TEXT);
  assert.equal(compareText([emptyReport()]), COMPARE_ONE_TEXT);
});

test('model comparison: no models gives the header alone and an empty dataset line', () => {
  assert.equal(compareMarkdown([], []), [
    '# Model comparison', '', '- Dataset: ``, 0 files, judged by each model in turn', '', '| METRIC |', '| --- |',
    ...['inputs', 'model size', 'files judged', 'accuracy', 'FPR', 'detection (all)', ...['alpha', 'palette', 'lsb.rgb', 'exif', 'raw'].map((m) => `detection ${m}`),
      ...['alpha', 'palette', 'lsb.rgb', 'exif', 'raw'].map((m) => `method acc ${m}`), 'bit-order accuracy', 'latency p50', 'latency p95', 'latency p99',
      'throughput', 'peak RSS (sampled)', 'problems'].map((row) => `| ${row} |`),
    '', 'Rates are hits/n. Targets: FPR <= 1.00%, detection >= 95.00%, p95 <= 12.3 ms. Latency is per file, sequential, batch 1.', '',
  ].join('\n'));
  assert.ok(compareText([]).startsWith('dataset ; \n\nMETRIC\ninputs\n'));
});

test('compareModels: each model in turn on the same dataset, named before it runs', async () => {
  // Real models on no files: loading them is all the work (about 0.1 s).
  const random = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
  const legacy = fileURLToPath(new URL('../fixtures/models/v4-legacy-3in.onnx', import.meta.url));
  const seen: [number, string][] = [];
  const reports = await compareModels({ modelPaths: [random, legacy], dataset: 'd', items: [], onModel: (i, p) => seen.push([i, p]) });
  assert.deepEqual(seen, [[0, random], [1, legacy]]);
  assert.deepEqual(reports.map((x) => [x.model.id, x.dataset, x.metrics.files]), [['v4-random.onnx', 'd', 0], ['v4-legacy-3in.onnx', 'd', 0]]);
  // The callback is optional.
  assert.deepEqual((await compareModels({ modelPaths: [random], dataset: 'e', items: [] })).map((x) => x.dataset), ['e']);
  assert.deepEqual(await compareModels({ modelPaths: [], dataset: 'd', items: [] }), []);
});
