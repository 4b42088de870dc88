// Hand-made validation reports for the exact tests of validate/'s text outputs: every figure set by
// hand (each its own value, so a swapped field shows), and one report where nothing was measured.
import type { Metrics, Rate } from '../../validate/metrics.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import type { DatasetFigures } from '../../validate/per-dataset.ts';

export const r = (hits: number, n: number): Rate => ({ hits, n, rate: n > 0 ? hits / n : null });
export const NONE = r(0, 0);

/** Every figure measured, each with its own value so a swapped field shows. */
export function fullMetrics(): Metrics {
  return {
    files: 40, scored: 37, evaluated: 35,
    accuracy: r(30, 35), fpr: r(1, 12), fprByFormat: { JPEG: r(1, 4), PNG: r(0, 8) },
    detection: r(21, 23),
    methods: {
      alpha: { n: 5, detection: r(5, 5), methodAccuracy: r(4, 5), bitOrderAccuracy: r(3, 5) },
      palette: { n: 4, detection: r(3, 4), methodAccuracy: r(2, 4), bitOrderAccuracy: r(1, 4) },
      'lsb.rgb': { n: 6, detection: r(6, 6), methodAccuracy: r(5, 6), bitOrderAccuracy: r(6, 6) },
      exif: { n: 3, detection: r(2, 3), methodAccuracy: r(3, 3), bitOrderAccuracy: NONE },
      raw: { n: 3, detection: r(3, 3), methodAccuracy: r(1, 3), bitOrderAccuracy: NONE },
    },
    unknownAlgorithms: { dct: r(2, 2) },
    bitOrder: { overall: r(10, 15), byOrder: { 'lsb-first': r(7, 9), 'msb-first': r(3, 6), none: NONE } },
    latencyMs: { n: 37, p50: 3.256, p95: 9.5, p99: 12.125, mean: 4.01, max: 15.999 },
    throughput: 123.456,
    memory: { peakRssMb: 210, processMaxRssMb: 260 },
    errors: { CORRUPT_IMAGE: 2, UNLABELLED: 1 },
    dataset: {
      files: 40, labelled: 36, classes: { clean: 12, 'stego:alpha': 5 }, cleanShare: 1 / 3,
      methodEntropyBits: 2.25, methodEvenness: 0.96875, methodImbalance: 2, missingMethods: [],
      formats: { PNG: 30, JPEG: 10 }, modes: { RGB: 38, RGBA: 2 }, sizes: { smaller: 4, exact: 30, larger: 6 },
    },
  };
}

/** Nothing measured: every "n/a" and "none" branch. */
export function emptyMetrics(): Metrics {
  const method = { n: 0, detection: NONE, methodAccuracy: NONE, bitOrderAccuracy: NONE };
  return {
    files: 2, scored: 0, evaluated: 0, accuracy: NONE, fpr: NONE, fprByFormat: {}, detection: NONE,
    methods: { alpha: method, palette: method, 'lsb.rgb': method, exif: method, raw: method },
    unknownAlgorithms: {}, bitOrder: { overall: NONE, byOrder: { 'lsb-first': NONE, 'msb-first': NONE, none: NONE } },
    latencyMs: null, throughput: null, memory: { peakRssMb: 0, processMaxRssMb: 0 }, errors: {},
    dataset: {
      files: 2, labelled: 0, classes: {}, cleanShare: null, methodEntropyBits: 0, methodEvenness: 0, methodImbalance: null,
      missingMethods: ['alpha', 'palette', 'lsb.rgb', 'exif', 'raw'], formats: {}, modes: {}, sizes: { smaller: 0, exact: 0, larger: 0 },
    },
  };
}

function figures(files: number, fpr: Rate, detection: Rate): DatasetFigures {
  return {
    files, evaluated: files, accuracy: r(1, 1), fpr, fprByFormat: {}, detection, unknownAlgorithms: {}, errors: {},
    detectionByMethod: { alpha: r(1, 2), palette: NONE, 'lsb.rgb': r(2, 2), exif: NONE, raw: r(0, 1) },
  };
}

export const MODEL = { id: 'v4.onnx', version: 'v4-2026.11', sha256: '0123456789abcdef'.repeat(4) };

export function fullReport(): ValidationReport {
  const metrics = fullMetrics();
  return {
    kind: 'starwatch-validate', v: 1, created: '2026-12-01T00:00:00.000Z', dataset: '/data/runs/set-a', model: MODEL,
    inputs: ['pixel_tensor', 'meta'], metrics,
    byDataset: { 'set-a': figures(30, r(1, 10), r(15, 16)), 'set-b': { ...figures(10, r(0, 2), r(6, 7)), unknownAlgorithms: { dct: r(2, 2) } } },
    targets: [
      { name: 'FPR', value: 1 / 12, target: '<= 1.00%', status: 'fail' },
      { name: 'latency p95', value: 9.5, target: '<= 12.3 ms', status: 'pass' },
      { name: 'throughput', value: 123.456, target: '>= 93/s', status: 'pass' },
      { name: 'bit-order accuracy', value: null, target: '>= 90.00%', status: 'n/a' },
    ],
    regression: {
      passed: false,
      violations: [
        { rule: 'fpr_rise', subject: 'fpr', current: 1 / 12, baseline: 0.05, limit: 0.0502, message: 'FPR | rose' },
        { rule: 'latency_p95', subject: 'latency_p95', current: 9.5, baseline: 7, limit: 8.4, message: 'p95 slower' },
        { rule: 'detection_floor', subject: 'palette', current: 0.75, baseline: null, limit: 0.95, message: 'palette under the floor' },
      ],
      skipped: ['detection exif: none', 'latency_p95: no p95'],
    },
    ablation: [
      { rank: 1, stream: 'meta', fpr: r(2, 12), detection: r(18, 23), deltaFpr: 1 / 12, deltaDetection: -3 / 23, flipped: 4, meanAbsProbChange: 0.123456, impact: 0.21 },
      { rank: 2, stream: 'alpha', fpr: r(1, 12), detection: r(21, 23), deltaFpr: 0, deltaDetection: 0, flipped: 0, meanAbsProbChange: 0.0012345, impact: 0 },
    ],
    problems: Array.from({ length: 52 }, (_, i) => ({ file: `bad-${i}.png`, code: 'CORRUPT_IMAGE', message: `cut at ${i}` })),
  };
}

export function emptyReport(): ValidationReport {
  return {
    kind: 'starwatch-validate', v: 1, created: '2026-12-01T00:00:00.000Z', dataset: 'plain', model: { id: 'm.onnx', version: 'm.onnx', sha256: 'f'.repeat(64) },
    inputs: ['pixel_tensor'], metrics: emptyMetrics(), byDataset: { plain: figures(2, NONE, NONE) }, targets: [],
    regression: null, ablation: null, problems: [],
  };
}
