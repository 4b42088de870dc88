// Everything a window keeps about its events, as plain counters plus a latency sketch. Pure and
// mergeable: merge(a, b) equals the accumulator of a's events and b's events together, so 1 s
// windows roll up into 10 s and 1 min ones, keys roll up into `*`, and replicas combine.
import {
  FORMATS,
  METHODS,
  PROB_BUCKETS,
  SIZE_BUCKETS,
  formatOf,
  methodField,
  probBucketOf,
  sizeBucketOf,
  sizeField,
} from '../../schemas/measurements.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { STARLIGHT_TARGETS } from '../alerts/rules.ts';
import { LatencySketch } from './latency-sketch.ts';

type Counts = Record<string, number>;

/**
 * The agent's refusal at admission (too many scans in flight): answered in microseconds without
 * any work, so its time is no latency of the detector. Counted as latency, a latency incident
 * (large inputs filling the agent) pulled p50 down to 0.0 ms while p95 rose: the board said
 * scans got faster. Such requests count as errors only.
 */
export const REFUSED_UNWORKED = 'OVERLOADED';

const zeros = (keys: readonly string[]): Counts => Object.fromEntries(keys.map((k) => [k, 0]));

export class WindowAccumulator {
  count = 0;
  /**
   * Requests slower than the latency target (`slowMs`): the bad events of the latency SLO. A count,
   * not a percentile, so windows of several agents and replicas merge into an exact SLI.
   */
  slow = 0;
  errors = 0;
  errorsByCode: Counts = {};
  latency = LatencySketch.empty();
  latencyMaxMs = 0;
  /** Events with outputs (a verdict), the base of the rates. */
  scored = 0;
  stego = 0;
  /** Sum of stego_prob in millionths: integers, so merges are exact in any order. */
  probMicros = 0;
  get probSum(): number {
    return this.probMicros / 1e6;
  }
  probHist: number[] = new Array(PROB_BUCKETS).fill(0);
  /** Predicted method counts among stego verdicts. */
  predicted: Counts = zeros(METHODS);
  formats: Counts = zeros(FORMATS);
  sizes: Counts = zeros(SIZE_BUCKETS);
  cleanLabelled = 0;
  fp = 0;
  stegoLabelled = 0;
  tp = 0;
  /** Per true method: labelled stego events with a verdict, and how many were flagged stego. */
  labelledByMethod: Counts = zeros(METHODS);
  detectedByMethod: Counts = zeros(METHODS);
  /** Events that arrived after their window had closed (kept raw, counted here). */
  late = 0;

  /** Only accumulators that add events need the target; merged ones just sum `slow`. */
  constructor(private readonly slowMs: number = STARLIGHT_TARGETS.latencyP95MaxMs) {}

  add(event: InferenceEvent): void {
    this.count++;
    if (event.error_code !== REFUSED_UNWORKED) {
      const ms = event.timings.total_ms;
      if (ms > this.slowMs) this.slow++;
      this.latency.recordMs(ms);
      if (ms > this.latencyMaxMs) this.latencyMaxMs = ms;
    }
    this.formats[formatOf(event.input.format)]++;
    this.sizes[sizeBucketOf(event.input.bytes)]++;
    if (event.error_code !== null || event.outputs === null) {
      this.errors++;
      const code = event.error_code ?? 'unknown';
      this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1;
    }
    const out = event.outputs;
    if (out === null) return;
    this.scored++;
    this.probMicros += Math.round(out.stego_prob * 1e6);
    this.probHist[probBucketOf(out.stego_prob)]++;
    if (out.is_stego) {
      this.stego++;
      if (out.method !== null) this.predicted[out.method] = (this.predicted[out.method] ?? 0) + 1;
    }
    const label = event.label;
    if (!label) return;
    if (label.category === 'clean') {
      this.cleanLabelled++;
      if (out.is_stego) this.fp++;
      return;
    }
    this.stegoLabelled++;
    if (out.is_stego) this.tp++;
    if (label.method) {
      this.labelledByMethod[label.method]++;
      if (out.is_stego) this.detectedByMethod[label.method]++;
    }
  }

  merge(other: WindowAccumulator): this {
    this.count += other.count;
    this.slow += other.slow;
    this.errors += other.errors;
    addCounts(this.errorsByCode, other.errorsByCode);
    this.latency.merge(other.latency);
    this.latencyMaxMs = Math.max(this.latencyMaxMs, other.latencyMaxMs);
    this.scored += other.scored;
    this.stego += other.stego;
    this.probMicros += other.probMicros;
    other.probHist.forEach((n, i) => (this.probHist[i] += n));
    addCounts(this.predicted, other.predicted);
    addCounts(this.formats, other.formats);
    addCounts(this.sizes, other.sizes);
    this.cleanLabelled += other.cleanLabelled;
    this.fp += other.fp;
    this.stegoLabelled += other.stegoLabelled;
    this.tp += other.tp;
    addCounts(this.labelledByMethod, other.labelledByMethod);
    addCounts(this.detectedByMethod, other.detectedByMethod);
    this.late += other.late;
    return this;
  }

  /**
   * The `window` fields of schemas/measurements.ts. Ratios are absent when their base is zero
   * (no value is better than a made-up 0). `seconds` is the window length, for rps.
   */
  fields(seconds: number): Record<string, number> {
    const f: Record<string, number> = {
      count: this.count,
      errors: this.errors,
      rps: this.count / seconds,
      scored: this.scored,
      stego: this.stego,
      fp: this.fp,
      clean_labelled: this.cleanLabelled,
      tp: this.tp,
      stego_labelled: this.stegoLabelled,
      late: this.late,
      slow: this.slow,
    };
    if (this.latency.count > 0) {
      f.latency_p50 = this.latency.percentileMs(50);
      f.latency_p95 = this.latency.percentileMs(95);
      f.latency_p99 = this.latency.percentileMs(99);
      f.latency_max = this.latencyMaxMs;
    }
    if (this.scored > 0) {
      f.stego_rate = this.stego / this.scored;
      f.mean_prob = this.probMicros / 1e6 / this.scored;
    }
    if (this.cleanLabelled > 0) f.fpr = this.fp / this.cleanLabelled;
    if (this.stegoLabelled > 0) f.detection_rate = this.tp / this.stegoLabelled;
    for (const m of METHODS) {
      const name = methodField(m);
      if (this.scored > 0) f[`rate_${name}`] = this.predicted[m] / this.scored;
      f[`pred_${name}`] = this.predicted[m];
      f[`det_${name}_n`] = this.labelledByMethod[m];
      f[`det_${name}_hits`] = this.detectedByMethod[m];
      if (this.labelledByMethod[m] > 0) f[`det_${name}`] = this.detectedByMethod[m] / this.labelledByMethod[m];
    }
    for (const [code, n] of Object.entries(this.errorsByCode)) f[errorField(code)] = n;
    for (const fmt of FORMATS) f[`fmt_${fmt}`] = this.formats[fmt];
    for (const b of SIZE_BUCKETS) f[sizeField(b)] = this.sizes[b];
    return f;
  }
}

/** Field names that hold counts (written as integers). */
export const isCountField = (name: string): boolean =>
  COUNT_FIELDS.has(name) || /^(err_|fmt_|size_|pred_)/.test(name) || /^det_.*_(n|hits)$/.test(name);
const COUNT_FIELDS = new Set(['count', 'errors', 'scored', 'stego', 'fp', 'clean_labelled', 'tp', 'stego_labelled', 'late', 'slow']);

/** err_<code>, with the code reduced to characters that are easy in InfluxQL. */
export const errorField = (code: string): string => `err_${code.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64)}`;

/** Adds `from`'s counts into `into`, key by key. */
export function addCounts(into: Counts, from: Counts): void {
  for (const key in from) into[key] = (into[key] ?? 0) + from[key];
}
