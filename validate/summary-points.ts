// A validation run as points of the `validation` measurement (schemas/measurements.ts): one
// `run` point and one `ablation` point per zeroed stream. Figures a run could not measure are
// left out, never written as 0.
import { basename } from 'node:path';
import { METHODS } from '../v4/contract.ts';
import { MEASUREMENTS, methodField } from '../schemas/measurements.ts';
import type { ValidationReport } from './validation.ts';

// The subject lives with the others now; re-exported for the importers that still look here.
export { VALIDATION_SUBJECT } from '../schemas/subjects.ts';

export type FieldValue = number | string | boolean;

export interface ValidationPoint {
  measurement: typeof MEASUREMENTS.validation;
  tags: { model_version: string; dataset: string; kind: 'run' | 'ablation'; stream: string };
  fields: Record<string, FieldValue>;
  /** Nanoseconds since the epoch, as a decimal string. */
  ts_ns: string;
  /** Field names whose values are integers (for line protocol's `i` suffix). */
  int_fields: string[];
}

function defined(fields: Record<string, FieldValue | null | undefined>): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, FieldValue] => e[1] !== null && e[1] !== undefined && !(typeof e[1] === 'number' && !Number.isFinite(e[1]))));
}

export function validationPoints(report: ValidationReport, runId: string, endedMs = Date.now()): ValidationPoint[] {
  const m = report.metrics;
  const ts_ns = (BigInt(Math.round(endedMs)) * 1_000_000n).toString();
  const tags = { model_version: report.model.version, dataset: basename(report.dataset) || report.dataset };
  const methodAcc = METHODS.map((x) => m.methods[x].methodAccuracy).reduce((s, r) => ({ hits: s.hits + r.hits, n: s.n + r.n }), { hits: 0, n: 0 });
  const run: ValidationPoint = {
    measurement: MEASUREMENTS.validation,
    tags: { ...tags, kind: 'run', stream: 'none' },
    fields: defined({
      run_id: runId,
      model_id: report.model.id,
      model_sha256: report.model.sha256,
      images: m.files,
      evaluated: m.evaluated,
      errors: Object.values(m.errors).reduce((a, b) => a + b, 0),
      violations: report.regression?.violations.length ?? 0,
      accuracy: m.accuracy.rate,
      fpr: m.fpr.rate,
      detection: m.detection.rate,
      ...Object.fromEntries(METHODS.map((x) => [`det_${methodField(x)}`, m.methods[x].detection.rate])),
      method_acc: methodAcc.n > 0 ? methodAcc.hits / methodAcc.n : null,
      bit_order_acc: m.bitOrder.overall.rate,
      latency_p50: m.latencyMs?.p50,
      latency_p95: m.latencyMs?.p95,
      latency_p99: m.latencyMs?.p99,
      throughput: m.throughput,
      peak_rss_mb: m.memory.peakRssMb,
      method_entropy: m.dataset.methodEntropyBits,
      clean_share: m.dataset.cleanShare,
      passed: report.regression?.passed,
    }),
    ts_ns,
    int_fields: ['images', 'evaluated', 'errors', 'violations'],
  };
  const ablation = (report.ablation ?? []).map((a): ValidationPoint => ({
    measurement: MEASUREMENTS.validation,
    tags: { ...tags, kind: 'ablation', stream: a.stream },
    fields: defined({
      run_id: runId,
      fpr: a.fpr.rate,
      detection: a.detection.rate,
      delta_fpr: a.deltaFpr,
      delta_detection: a.deltaDetection,
      mean_abs_prob_change: a.meanAbsProbChange,
      impact: a.impact,
      flipped: a.flipped,
      rank: a.rank,
    }),
    ts_ns,
    int_fields: ['flipped', 'rank'],
  }));
  return [run, ...ablation];
}
