// Exact checks of validate/'s small pieces: number formats, the targets at their limits, the
// baseline file and its parser, and the `validation` points. Each figure is pinned to its value,
// each comparison at the limit itself, so a changed constant, bound or branch fails here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASELINE_KIND, baselineOf, parseBaseline, readBaseline, writeBaseline } from '../../validate/baseline.ts';
import { ValidateError } from '../../validate/errors.ts';
import { counts, msText, pct, rateText, signedPoints } from '../../validate/format.ts';
import { computeMetrics, percentile, type Metrics } from '../../validate/metrics.ts';
import { VALIDATION_SUBJECT, validationPoints } from '../../validate/summary-points.ts';
import { checkTargets, TARGETS } from '../../validate/targets.ts';
import { CLEAN, failed, judged, stego, verdict } from './validate-fixture.ts';
import { emptyMetrics, emptyReport, fullMetrics, fullReport, MODEL, NONE, r } from './validate-exact-fixture.ts';

// A folder of its own, removed at the end (not the harness's tempDir: its import of the service
// starters doubles this file's start-up, which every mutant of validate/ pays).
const dir = mkdtempSync(join(tmpdir(), 'starwatch-validate-exact-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('format: percentages, rates, signed points, milliseconds and counts', () => {
  assert.equal(pct(0.123456), '12.35%');
  assert.equal(rateText(r(14, 15)), '93.33% (14/15)');
  assert.equal(rateText(NONE), 'n/a (0)');
  assert.deepEqual([signedPoints(0.0123), signedPoints(0), signedPoints(-0.5), signedPoints(null), signedPoints(-0)], ['+1.23', '0.00', '-50.00', 'n/a', '0.00']);
  assert.deepEqual([msText(1.005), msText(0), msText(null), msText(undefined)], ['1.00 ms', '0.00 ms', 'n/a', 'n/a']);
  assert.equal(counts({}), 'none');
  assert.equal(counts({ a: 1, b: 0 }), 'a 1, b 0');
});

test('targets: the figures the model is held to', () => {
  assert.deepEqual(TARGETS, { maxFpr: 0.01, minDetection: 0.95, minMethodAccuracy: 0.9, minBitOrderAccuracy: 0.9, maxLatencyP95Ms: 12.3, minThroughput: 93 });
});

test('targets: every check of a full run, with its shown limit and status', () => {
  const value = (name: string) => checkTargets(fullMetrics()).find((t) => t.name === name);
  assert.deepEqual(checkTargets(fullMetrics()).map((t) => [t.name, t.target, t.status]), [
    ['FPR', '<= 1.00%', 'fail'],
    ['detection (all methods)', '>= 95.00%', 'fail'],
    ['detection alpha', '>= 95.00%', 'pass'],
    ['detection palette', '>= 95.00%', 'fail'],
    ['detection lsb.rgb', '>= 95.00%', 'pass'],
    ['detection exif', '>= 95.00%', 'fail'],
    ['detection raw', '>= 95.00%', 'pass'],
    ['method accuracy', '>= 90.00%', 'fail'],
    ['bit-order accuracy', '>= 90.00%', 'fail'],
    ['latency p95', '<= 12.3 ms', 'pass'],
    ['throughput', '>= 93/s', 'pass'],
  ]);
  // Method accuracy pools the hits and images of every method: (4+2+5+3+1)/(5+4+6+3+3).
  assert.equal(value('method accuracy')!.value, 15 / 21);
  assert.deepEqual(checkTargets(fullMetrics()).map((t) => t.value), [1 / 12, 21 / 23, 1, 0.75, 1, 2 / 3, 1, 15 / 21, 10 / 15, 9.5, 123.456]);
});

/** A run whose every figure sits exactly at its target (or just past it with `past`). */
function atLimits(past: boolean): Metrics {
  const m = fullMetrics();
  const step = past ? 1e-9 : 0;
  const method = (n: number) => ({ n, detection: { hits: 0, n, rate: 0.95 - step }, methodAccuracy: r(9, 10), bitOrderAccuracy: NONE });
  return {
    ...m,
    fpr: { hits: 1, n: 100, rate: 0.01 + step },
    detection: { hits: 0, n: 1, rate: 0.95 - step },
    methods: { alpha: method(1), palette: method(1), 'lsb.rgb': method(1), exif: method(1), raw: method(1) },
    bitOrder: { ...m.bitOrder, overall: { hits: 0, n: 1, rate: 0.9 - step } },
    latencyMs: { ...m.latencyMs!, p95: 12.3 + step },
    throughput: 93 - step,
  };
}

test('targets: a figure exactly at its target passes, one just past it fails', () => {
  assert.deepEqual(checkTargets(atLimits(false)).map((t) => t.status), Array(11).fill('pass'));
  // Method accuracy stays at 9/10 here: only the others move past their limit.
  assert.deepEqual(checkTargets(atLimits(true)).map((t) => `${t.name} ${t.status}`).filter((s) => s.endsWith('pass')), ['method accuracy pass']);
  const under = { ...atLimits(false), methods: Object.fromEntries(Object.entries(atLimits(false).methods).map(([k, x]) => [k, { ...x, methodAccuracy: r(8, 10) }])) } as Metrics;
  assert.equal(checkTargets(under).find((t) => t.name === 'method accuracy')!.status, 'fail');
});

test('targets: nothing measured is n/a everywhere, never a pass or a fail', () => {
  assert.deepEqual(checkTargets(emptyMetrics()).map((t) => [t.value, t.status]), Array(11).fill([null, 'n/a']));
});

test('baseline: the figures of a run, with its model, dataset and time', () => {
  assert.deepEqual(baselineOf(fullMetrics(), MODEL, 'set', 'then'), {
    kind: 'starwatch-validate-baseline', v: 1, model: MODEL, dataset: 'set', created: 'then', fpr: 1 / 12, fpr_clean: 12,
    detection: { alpha: 1, palette: 0.75, 'lsb.rgb': 1, exif: 2 / 3, raw: 1 }, latency_p95_ms: 9.5,
  });
  const empty = baselineOf(emptyMetrics(), null, null);
  assert.deepEqual({ ...empty, created: null }, {
    kind: BASELINE_KIND, v: 1, model: null, dataset: null, created: null, fpr: null, fpr_clean: 0,
    detection: { alpha: null, palette: null, 'lsb.rgb': null, exif: null, raw: null }, latency_p95_ms: null,
  });
  // Without a time given, now.
  assert.ok(Math.abs(Date.parse(empty.created!) - Date.now()) < 60_000, empty.created!);
});

test('baseline: written as indented JSON with a final newline, read back the same', async () => {
  const file = join(dir, 'b.json');
  const baseline = baselineOf(fullMetrics(), MODEL, 'set', 'then');
  await writeBaseline(file, baseline);
  assert.equal(await readFile(file, 'utf8'), JSON.stringify(baseline, null, 2) + '\n');
  assert.deepEqual(await readBaseline(file), baseline);
});

/** The ValidateError a call throws: always BAD_BASELINE, with its exact message. */
function badBaseline(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    assert.ok(e instanceof ValidateError, String(e));
    assert.equal(e.code, 'BAD_BASELINE');
    return e.message;
  }
  assert.fail('no error');
}

test('baseline: files that cannot be read or parsed name the file', async () => {
  const file = join(dir, 'bad.json');
  await writeFile(file, '{not json');
  await assert.rejects(readBaseline(file), (e: unknown) => e instanceof ValidateError && e.code === 'BAD_BASELINE' && e.message.startsWith(`cannot read baseline ${file}: `) && e.message.length > `cannot read baseline ${file}: `.length);
  await writeFile(file, '[]');
  await assert.rejects(readBaseline(file), (e: unknown) => e instanceof ValidateError && e.message === `${file}: neither a ${BASELINE_KIND} file nor a starwatch validate --json output`);
});

test('baseline: a baseline file, a validate output, or a typed error saying which it is not', () => {
  const good = baselineOf(fullMetrics(), MODEL, 'set', 'then');
  assert.deepEqual(parseBaseline(good), good);
  assert.equal(badBaseline(() => parseBaseline(null)), 'baseline: not a JSON object');
  assert.equal(badBaseline(() => parseBaseline('x', 'f.json')), 'f.json: not a JSON object');
  assert.equal(badBaseline(() => parseBaseline({ ...good, v: 2 })), 'baseline: unsupported version 2 (this Starwatch reads v1)');
  assert.equal(badBaseline(() => parseBaseline({ kind: 'other' })), `baseline: neither a ${BASELINE_KIND} file nor a starwatch validate --json output`);
  assert.equal(badBaseline(() => parseBaseline({ metrics: null })), `baseline: neither a ${BASELINE_KIND} file nor a starwatch validate --json output`);
  assert.match(badBaseline(() => parseBaseline({ metrics: {} })), /^baseline: its metrics are not a validate output \(.+\)$/);
  // A validate --json output: its metrics, model, dataset and time.
  const report = fullReport();
  assert.deepEqual(parseBaseline(JSON.parse(JSON.stringify(report))), baselineOf(report.metrics, report.model, report.dataset, report.created));
  const bare = parseBaseline({ metrics: emptyMetrics() });
  assert.deepEqual([bare.model, bare.dataset, bare.fpr], [null, null, null]);
  assert.ok(Math.abs(Date.parse(bare.created!) - Date.now()) < 60_000, `no created: now (${bare.created})`);
});

test('validation points: every field of a run and of each ablated stream, exactly', () => {
  const ts_ns = '1764547200001000000';
  assert.deepEqual(validationPoints(fullReport(), 'run-7', 1_764_547_200_000.6), [
    {
      measurement: 'validation', tags: { model_version: 'v4-2026.11', dataset: 'set-a', kind: 'run', stream: 'none' },
      fields: {
        run_id: 'run-7', model_id: 'v4.onnx', model_sha256: MODEL.sha256, images: 40, evaluated: 35, errors: 3, violations: 3,
        accuracy: 30 / 35, fpr: 1 / 12, detection: 21 / 23, det_alpha: 1, det_palette: 0.75, det_lsb_rgb: 1, det_exif: 2 / 3, det_raw: 1,
        method_acc: 15 / 21, bit_order_acc: 10 / 15, latency_p50: 3.256, latency_p95: 9.5, latency_p99: 12.125, throughput: 123.456,
        peak_rss_mb: 210, method_entropy: 2.25, clean_share: 1 / 3, passed: false,
      },
      ts_ns, int_fields: ['images', 'evaluated', 'errors', 'violations'],
    },
    {
      measurement: 'validation', tags: { model_version: 'v4-2026.11', dataset: 'set-a', kind: 'ablation', stream: 'meta' },
      fields: { run_id: 'run-7', fpr: 2 / 12, detection: 18 / 23, delta_fpr: 1 / 12, delta_detection: -3 / 23, mean_abs_prob_change: 0.123456, impact: 0.21, flipped: 4, rank: 1 },
      ts_ns, int_fields: ['flipped', 'rank'],
    },
    {
      measurement: 'validation', tags: { model_version: 'v4-2026.11', dataset: 'set-a', kind: 'ablation', stream: 'alpha' },
      fields: { run_id: 'run-7', fpr: 1 / 12, detection: 21 / 23, delta_fpr: 0, delta_detection: 0, mean_abs_prob_change: 0.0012345, impact: 0, flipped: 0, rank: 2 },
      ts_ns, int_fields: ['flipped', 'rank'],
    },
  ]);
});

test('validation points: unmeasured figures are left out, never 0; a root dataset keeps its name', () => {
  const points = validationPoints({ ...emptyReport(), dataset: '/' }, 'run-8', 5);
  assert.deepEqual(points, [{
    measurement: 'validation', tags: { model_version: 'm.onnx', dataset: '/', kind: 'run', stream: 'none' },
    fields: { run_id: 'run-8', model_id: 'm.onnx', model_sha256: 'f'.repeat(64), images: 2, evaluated: 0, errors: 0, violations: 0, peak_rss_mb: 0, method_entropy: 0 },
    ts_ns: '5000000', int_fields: ['images', 'evaluated', 'errors', 'violations'],
  }]);
  // Figures that are not finite numbers are left out too; false and 0 are figures.
  const odd = emptyReport();
  odd.metrics = { ...odd.metrics, throughput: Number.POSITIVE_INFINITY, dataset: { ...odd.metrics.dataset, methodEntropyBits: Number.NaN } };
  odd.regression = { passed: true, violations: [], skipped: [] };
  const [run] = validationPoints(odd, 'r', 0);
  assert.deepEqual([run.fields.throughput, run.fields.method_entropy, run.fields.passed, run.ts_ns], [undefined, undefined, true, '0']);
  assert.equal(VALIDATION_SUBJECT, 'starwatch.v1.validation');
});

const RUN = { busyMs: 1000, peakRss: { sampledBytes: 1_500_000, processMaxBytes: 1024 * 1024 } };

test('metrics: problem codes and clean formats are listed in name order', () => {
  const m = computeMetrics([failed('ZETA'), failed('ALPHA'), failed('ZETA'), judged(CLEAN, verdict(true), 'PNG'), judged(CLEAN, verdict(false), 'JPEG')], RUN);
  assert.deepEqual(Object.entries(m.errors), [['ALPHA', 1], ['ZETA', 2]]);
  assert.deepEqual(Object.keys(m.fprByFormat), ['JPEG', 'PNG']);
});

test('metrics: memory in MB to one decimal', () => {
  // 1,500,000 bytes are 1.43 MB; 1 MiB is 1.0.
  assert.deepEqual(computeMetrics([], RUN).memory, { peakRssMb: 1.4, processMaxRssMb: 1 });
  assert.equal(computeMetrics([], { ...RUN, peakRss: { sampledBytes: 1.25 * 1024 * 1024, processMaxBytes: 0 } }).memory.peakRssMb, 1.3);
});

test('metrics: a stego class is named by method, else algorithm, else "unnamed"; no clean file is a 0 share', () => {
  const unnamed = (algorithm: string | null) => ({ ...judged({ category: 'stego' } as never, verdict(true)), algorithm });
  const q = computeMetrics([judged(stego('raw'), verdict(true)), unnamed('dct'), unnamed(null)], RUN).dataset;
  assert.deepEqual(q.classes, { 'stego:dct': 1, 'stego:raw': 1, 'stego:unnamed': 1 });
  assert.equal(q.cleanShare, 0);
});

test('metrics: bit order is judged only where the label has one and the model gave one', () => {
  const noOrder = { category: 'stego', method: 'alpha' } as never;
  const m = computeMetrics([judged(noOrder, verdict(true, { bitOrder: 'lsb-first' })), judged(stego('alpha', 'lsb-first'), verdict(true, { bitOrder: null }))], RUN);
  assert.deepEqual([m.bitOrder.overall, m.methods.alpha.bitOrderAccuracy], [{ hits: 0, n: 0, rate: null }, { hits: 0, n: 0, rate: null }]);
  assert.equal(m.methods.alpha.n, 2);
});

test('percentile: nearest rank, clamped to the first and the last value', () => {
  assert.deepEqual([0, 0.01, 0.34, 0.5, 1, 2].map((p) => percentile([10, 20, 30], p)), [10, 10, 20, 20, 30, 30]);
});
