import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, percentile, shannonEntropy } from '../../validate/metrics.ts';
import { CLEAN, failed, judged, stego, verdict } from './validate-fixture.ts';

const RUN = { busyMs: 1000, peakRss: { sampledBytes: 100 * 1024 * 1024, processMaxBytes: 120 * 1024 * 1024 } };

test('FPR overall and per format count only judged clean-labelled files', () => {
  const m = computeMetrics([
    judged(CLEAN, verdict(true), 'PNG'),
    judged(CLEAN, verdict(false), 'PNG'),
    judged(CLEAN, verdict(false), 'PNG'),
    judged(CLEAN, verdict(true), 'JPEG'),
    judged(stego('raw'), verdict(true), 'JPEG'),
    failed('CORRUPT_IMAGE'), // labelled clean, never judged: not in the FPR
  ], RUN);
  assert.deepEqual(m.fpr, { hits: 2, n: 4, rate: 0.5 });
  assert.deepEqual(m.fprByFormat.PNG, { hits: 1, n: 3, rate: 1 / 3 });
  assert.deepEqual(m.fprByFormat.JPEG, { hits: 1, n: 1, rate: 1 });
  assert.equal(m.files, 6);
  assert.equal(m.scored, 5);
  assert.equal(m.evaluated, 5);
  assert.deepEqual(m.accuracy, { hits: 3, n: 5, rate: 0.6 });
  assert.deepEqual(m.errors, { CORRUPT_IMAGE: 1 });
});

test('detection, method accuracy and bit-order accuracy per method', () => {
  const m = computeMetrics([
    judged(stego('lsb.rgb', 'lsb-first'), verdict(true, { method: 'lsb.rgb', bitOrder: 'lsb-first' })),
    judged(stego('lsb.rgb', 'msb-first'), verdict(true, { method: 'palette', bitOrder: 'lsb-first' })),
    judged(stego('lsb.rgb', 'msb-first'), verdict(false, { method: 'lsb.rgb', bitOrder: 'msb-first' })),
    judged(stego('exif'), verdict(true, { method: 'exif', bitOrder: 'none' })),
    judged(CLEAN, verdict(false)),
  ], RUN);
  const lsb = m.methods['lsb.rgb'];
  assert.equal(lsb.n, 3);
  assert.deepEqual(lsb.detection, { hits: 2, n: 3, rate: 2 / 3 });
  assert.deepEqual(lsb.methodAccuracy, { hits: 2, n: 3, rate: 2 / 3 });
  assert.deepEqual(lsb.bitOrderAccuracy, { hits: 2, n: 3, rate: 2 / 3 });
  assert.deepEqual(m.methods.exif.detection, { hits: 1, n: 1, rate: 1 });
  assert.deepEqual(m.methods.alpha.detection, { hits: 0, n: 0, rate: null }, 'not measured is null, not 0');
  assert.deepEqual(m.detection, { hits: 3, n: 4, rate: 0.75 });
  assert.deepEqual(m.bitOrder.overall, { hits: 3, n: 4, rate: 0.75 });
  assert.deepEqual(m.bitOrder.byOrder['msb-first'], { hits: 1, n: 2, rate: 0.5 });
  assert.deepEqual(m.bitOrder.byOrder.none, { hits: 1, n: 1, rate: 1 });
});

test('a model without method or bit-order outputs leaves those accuracies unmeasured', () => {
  const m = computeMetrics([judged(stego('palette', 'lsb-first'), verdict(true))], RUN);
  assert.equal(m.methods.palette.methodAccuracy.rate, null);
  assert.equal(m.bitOrder.overall.rate, null);
  assert.equal(m.methods.palette.detection.rate, 1);
});

test('Shannon entropy of the method mix, balance and missing methods', () => {
  assert.equal(shannonEntropy([1, 1, 1, 1]), 2);
  assert.equal(shannonEntropy([5, 0, 0]), 0);
  assert.ok(Math.abs(shannonEntropy([1, 3]) - 0.8112781244591328) < 1e-12);
  const m = computeMetrics([
    judged(stego('alpha', 'lsb-first'), verdict(true)),
    judged(stego('alpha', 'lsb-first'), verdict(true)),
    judged(stego('alpha', 'lsb-first'), verdict(true)),
    judged(stego('raw'), verdict(true)),
    judged(CLEAN, verdict(false)),
    failed('UNLABELLED', null),
  ], RUN);
  const q = m.dataset;
  assert.deepEqual(q.classes, { clean: 1, 'stego:alpha': 3, 'stego:raw': 1 });
  assert.equal(q.labelled, 5);
  assert.equal(q.cleanShare, 0.2);
  assert.ok(Math.abs(q.methodEntropyBits - 0.8112781244591328) < 1e-12);
  assert.ok(Math.abs(q.methodEvenness - 0.8112781244591328 / Math.log2(5)) < 1e-12);
  assert.equal(q.methodImbalance, 3);
  assert.deepEqual(q.missingMethods, ['palette', 'lsb.rgb', 'exif']);
  assert.deepEqual(q.sizes, { smaller: 0, exact: 5, larger: 0 });
});

test('latency percentiles (nearest rank), throughput and memory', () => {
  const results = Array.from({ length: 100 }, (_, i) => judged(CLEAN, verdict(false), 'PNG', i + 1));
  const m = computeMetrics(results, RUN);
  assert.deepEqual(m.latencyMs, { n: 100, p50: 50, p95: 95, p99: 99, mean: 50.5, max: 100 });
  assert.equal(m.throughput, 100);
  assert.equal(m.memory.peakRssMb, 100);
  assert.equal(m.memory.processMaxRssMb, 120);
  assert.equal(percentile([3], 0.99), 3);
  assert.equal(computeMetrics([failed('TOO_MANY_BYTES')], RUN).latencyMs, null);
});

test('dataset profile: sizes around 256 on each side, formats and modes counted in name order', () => {
  const sized = (width: number, height: number, format = 'PNG', mode = 'RGB') => ({ ...judged(CLEAN, verdict(false), format), width, height, mode });
  const q = computeMetrics([
    sized(255, 300, 'WEBP'), sized(300, 255, 'JPEG', 'L'), sized(256, 256),
    sized(256, 257), sized(257, 256, 'JPEG', 'L'), sized(300, 300),
    failed('CORRUPT_IMAGE'), // not decoded: no size, no mode
  ], RUN).dataset;
  assert.deepEqual(q.sizes, { smaller: 2, exact: 1, larger: 3 });
  assert.deepEqual(Object.entries(q.formats), [['JPEG', 2], ['PNG', 3], ['WEBP', 1], ['unknown', 1]]);
  assert.deepEqual(Object.entries(q.modes), [['L', 2], ['RGB', 4]]);
  // Imbalance is the largest method count over the smallest present one: 3 / 2.
  const mix = computeMetrics([...[1, 2, 3].map(() => judged(stego('alpha'), verdict(true))), ...[1, 2].map(() => judged(stego('raw'), verdict(true)))], RUN).dataset;
  assert.equal(mix.methodImbalance, 1.5);
  const none = computeMetrics([failed('UNLABELLED', null)], RUN).dataset;
  assert.deepEqual([none.labelled, none.cleanShare, none.methodImbalance], [0, null, null]);
});

test('stego outside the known methods: counted per algorithm, in name order, and in overall detection only', () => {
  const other = (algorithm: string | null, hit: boolean) => ({ ...judged({ category: 'stego' } as never, verdict(hit)), algorithm });
  const m = computeMetrics([other('zeta', true), other('beta', false), other('beta', true), other(null, true)], RUN);
  assert.deepEqual(Object.entries(m.unknownAlgorithms), [['beta', { hits: 1, n: 2, rate: 0.5 }], ['zeta', { hits: 1, n: 1, rate: 1 }]]);
  assert.deepEqual(m.detection, { hits: 3, n: 4, rate: 0.75 });
  assert.equal(m.methods.alpha.n, 0);
});

test('latency from unsorted timings; throughput only with busy time; no percentile of nothing', () => {
  const m = computeMetrics([5, 1, 3].map((ms) => judged(CLEAN, verdict(false), 'PNG', ms)), { ...RUN, busyMs: 2000 });
  assert.deepEqual(m.latencyMs, { n: 3, p50: 3, p95: 5, p99: 5, mean: 3, max: 5 });
  assert.equal(m.throughput, 1.5);
  assert.equal(computeMetrics([judged(CLEAN, verdict(false))], { ...RUN, busyMs: 0 }).throughput, null);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});
