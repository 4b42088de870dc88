// The numbers a model is judged by, from per-file results. Rates are null when there is nothing
// to divide by (no clean image of a format, no image of a method): "not measured" is not 0.
import { BIT_ORDERS, METHODS, type BitOrder, type StegoMethod } from '../v4/contract.ts';
import { isScoredAndLabelled, type ItemResult } from './item-result.ts';

export interface Rate {
  hits: number;
  n: number;
  rate: number | null;
}

export interface MethodMetrics {
  /** Stego images of this method that the model judged. */
  n: number;
  /** Called stego. */
  detection: Rate;
  /** Predicted method is this one (over all images of the method, detected or not). */
  methodAccuracy: Rate;
  /** Predicted bit order equals the label's, where the label has one. */
  bitOrderAccuracy: Rate;
}

export interface LatencyMetrics {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface DatasetQuality {
  files: number;
  labelled: number;
  /** Labelled files per class: clean, stego:<method>. */
  classes: Record<string, number>;
  /** Share of labelled files that are clean (0.5 is balanced). */
  cleanShare: number | null;
  /** Shannon entropy of the method mix of the stego files, in bits (log2 5 = 2.32 is even). */
  methodEntropyBits: number;
  /** Entropy over its maximum, log2(5): 1 when every method has the same share. */
  methodEvenness: number;
  /** Largest method count over the smallest (over methods present); null with fewer than one. */
  methodImbalance: number | null;
  missingMethods: StegoMethod[];
  formats: Record<string, number>;
  modes: Record<string, number>;
  /** Decoded images by size against the 256x256 crop: smaller ones are padded, larger cropped. */
  sizes: { smaller: number; exact: number; larger: number };
}

export interface Metrics {
  files: number;
  /** Files the model judged. */
  scored: number;
  /** Judged and labelled: the base of every accuracy figure. */
  evaluated: number;
  /** Binary accuracy (clean vs stego) over evaluated files. */
  accuracy: Rate;
  fpr: Rate;
  fprByFormat: Record<string, Rate>;
  /** All stego images, any method. */
  detection: Rate;
  methods: Record<StegoMethod, MethodMetrics>;
  /** Detection of stego files whose algorithm has no method of ours (a dataset's own, e.g. dct), by its name. */
  unknownAlgorithms: Record<string, Rate>;
  bitOrder: { overall: Rate; byOrder: Record<BitOrder, Rate> };
  latencyMs: LatencyMetrics | null;
  /** Files per second on the plain path, sequential, batch 1. */
  throughput: number | null;
  memory: { peakRssMb: number; processMaxRssMb: number };
  /** Files per problem code (decode errors, limits, missing labels). */
  errors: Record<string, number>;
  dataset: DatasetQuality;
}

export interface RunFigures {
  busyMs: number;
  peakRss: { sampledBytes: number; processMaxBytes: number };
}

export function rate(hits: number, n: number): Rate {
  return { hits, n, rate: n > 0 ? hits / n : null };
}

class Counter {
  hits = 0;
  n = 0;
  add(hit: boolean): void {
    this.n++;
    if (hit) this.hits++;
  }
  get rate(): Rate {
    return rate(this.hits, this.n);
  }
}

/** Shannon entropy, in bits, of a distribution given as counts. */
export function shannonEntropy(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
  return h;
}

/** Nearest-rank percentile of sorted values (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function computeMetrics(results: readonly ItemResult[], run: RunFigures): Metrics {
  const evaluated = results.filter(isScoredAndLabelled);
  const accuracy = new Counter();
  const fpr = new Counter();
  const fprByFormat = new Map<string, Counter>();
  const detection = new Counter();
  const perMethod = new Map(METHODS.map((m) => [m, { det: new Counter(), method: new Counter(), order: new Counter() }]));
  const unknown = new Map<string, Counter>();
  const bitOrderAll = new Counter();
  const bitOrderBy = new Map(BIT_ORDERS.map((o) => [o, new Counter()]));
  for (const r of evaluated) {
    const stego = r.label.category === 'stego';
    accuracy.add(r.verdict.isStego === stego);
    if (!stego) {
      fpr.add(r.verdict.isStego);
      counterOf(fprByFormat, r.format).add(r.verdict.isStego);
      continue;
    }
    detection.add(r.verdict.isStego);
    if (r.algorithm) counterOf(unknown, r.algorithm).add(r.verdict.isStego);
    const m = r.label.method ? perMethod.get(r.label.method as StegoMethod) : undefined;
    if (!m) continue;
    m.det.add(r.verdict.isStego);
    if (r.verdict.method !== null) m.method.add(r.verdict.method === r.label.method);
    if (r.label.bit_order && r.verdict.bitOrder !== null) {
      const hit = r.verdict.bitOrder === r.label.bit_order;
      m.order.add(hit);
      bitOrderAll.add(hit);
      bitOrderBy.get(r.label.bit_order as BitOrder)!.add(hit);
    }
  }
  const methods = Object.fromEntries(
    METHODS.map((name) => {
      const m = perMethod.get(name)!;
      return [name, { n: m.det.n, detection: m.det.rate, methodAccuracy: m.method.rate, bitOrderAccuracy: m.order.rate }];
    }),
  ) as Record<StegoMethod, MethodMetrics>;
  return {
    files: results.length,
    scored: results.filter((r) => r.verdict !== null).length,
    evaluated: evaluated.length,
    accuracy: accuracy.rate,
    fpr: fpr.rate,
    fprByFormat: ratesByName(fprByFormat),
    detection: detection.rate,
    methods,
    unknownAlgorithms: ratesByName(unknown),
    bitOrder: {
      overall: bitOrderAll.rate,
      byOrder: Object.fromEntries(BIT_ORDERS.map((o) => [o, bitOrderBy.get(o)!.rate])) as Record<BitOrder, Rate>,
    },
    latencyMs: latency(results),
    throughput: run.busyMs > 0 ? results.length / (run.busyMs / 1000) : null,
    memory: { peakRssMb: mb(run.peakRss.sampledBytes), processMaxRssMb: mb(run.peakRss.processMaxBytes) },
    errors: countBy(results.filter((r) => r.error).map((r) => r.error!.code)),
    dataset: datasetQuality(results),
  };
}

function counterOf(counters: Map<string, Counter>, name: string): Counter {
  let c = counters.get(name);
  if (!c) counters.set(name, (c = new Counter()));
  return c;
}

function ratesByName(counters: Map<string, Counter>): Record<string, Rate> {
  return Object.fromEntries([...counters].sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => [name, c.rate]));
}

function mb(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

function latency(results: readonly ItemResult[]): LatencyMetrics | null {
  const ms = results.filter((r) => r.timings).map((r) => r.timings!.totalMs).sort((a, b) => a - b);
  if (ms.length === 0) return null;
  return {
    n: ms.length,
    p50: percentile(ms, 0.5),
    p95: percentile(ms, 0.95),
    p99: percentile(ms, 0.99),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    max: ms[ms.length - 1],
  };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}

export function datasetQuality(results: readonly ItemResult[]): DatasetQuality {
  const labelled = results.filter((r) => r.label !== null);
  const classes = countBy(labelled.map((r) => (r.label!.category === 'clean' ? 'clean' : `stego:${r.label!.method ?? r.algorithm ?? 'unnamed'}`)));
  const methodCounts = METHODS.map((m) => classes[`stego:${m}`] ?? 0);
  const present = methodCounts.filter((c) => c > 0);
  const entropy = shannonEntropy(methodCounts);
  const decoded = results.filter((r) => r.mode !== null);
  return {
    files: results.length,
    labelled: labelled.length,
    classes,
    cleanShare: labelled.length > 0 ? (classes.clean ?? 0) / labelled.length : null,
    methodEntropyBits: entropy,
    methodEvenness: entropy / Math.log2(METHODS.length),
    methodImbalance: present.length > 0 ? Math.max(...present) / Math.min(...present) : null,
    missingMethods: METHODS.filter((_, i) => methodCounts[i] === 0),
    formats: countBy(results.map((r) => r.format)),
    modes: countBy(decoded.map((r) => r.mode!)),
    sizes: {
      smaller: decoded.filter((r) => r.width < 256 || r.height < 256).length,
      exact: decoded.filter((r) => r.width === 256 && r.height === 256).length,
      larger: decoded.filter((r) => r.width >= 256 && r.height >= 256 && (r.width > 256 || r.height > 256)).length,
    },
  };
}
