// Root cause of one flagged series of one scope (all models, or one model version), by
// Adtributor (collector/rootcause) over dimensions built from the windows alone:
// - model_version and agent: exact numerator / denominator from the per-(model, agent) windows;
// - method: exact where the window counts split the series by method (stego rate by predicted
//   method, detection rate by true method);
// - format and size_bucket: the windows count events per format and per size bucket but not the
//   series' numerator per format, so these are judged on the traffic mix only (how surprising
//   each value's share of requests is now; basis 'traffic_mix', never "succinct").
// The baseline is the same scope over the previous windows, scaled to one average window so it
// compares like with like (Adtributor compares an expected window with the actual one).
import { FORMATS, SIZE_BUCKETS, METHODS } from '../../schemas/measurements.ts';
import { rankRootCauses } from '../rootcause/adtributor.ts';
import type { DimensionBreakdown, RankedDimension, RateCounts, SliceCounts } from '../rootcause/types.ts';
import { addCounts, type WindowAccumulator } from '../windows/accumulator.ts';
import { LatencySketch } from '../windows/latency-sketch.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { methodOfSeries, rateCounts } from './series.ts';

export interface RootCauseDimension {
  dim: string;
  /** The top culprit, or null when no value stands out. */
  value: string | null;
  basis: 'rate' | 'traffic_mix';
  succinct: boolean;
  explained: number;
  surprise: number;
  culprits: { value: string; explains: number; surprise: number; baseline: number; current: number }[];
}

/** Leaf windows (one per model version and agent) of one window start. */
export type Leaves = readonly WindowResult[];

export function rootCause(series: string, modelVersion: string, current: Leaves, history: readonly Leaves[]): RootCauseDimension[] | null {
  const inScope = (w: WindowResult): boolean => modelVersion === '*' || w.model_version === modelVersion;
  const now = current.filter(inScope);
  const before = history.flatMap((leaves) => leaves.filter(inScope));
  if (now.length === 0 || before.length === 0) return null;
  // Only counters are pooled (cheap); latency sketches only when the series is latency.
  const slowMs = series === 'latency_p95' ? pooledLatency(before).percentileMs(95) : 0;
  const counts = (w: WindowResult): RateCounts | null => rateCounts(series, w.acc, slowMs);
  if (!counts(now[0])) return null;
  const nowAcc = tally(now);
  const beforeAcc = tally(before);

  const rateDims: DimensionBreakdown[] = [];
  if (modelVersion === '*') rateDims.push(byLeafTag('model_version', now, before, counts));
  rateDims.push(byLeafTag('agent', now, before, counts));
  const methods = methodSlices(series, beforeAcc, nowAcc);
  if (methods) rateDims.push({ dimension: 'method', slices: methods });
  const kind = series === 'request_rate' ? 'count' : 'rate';
  const ranked = [
    ...rankRootCauses(rateDims.map((d) => perWindow(d, history.length)), { kind }).dimensions.map(summary),
    mixShift('format', FORMATS, beforeAcc.formats, nowAcc.formats),
    mixShift('size_bucket', SIZE_BUCKETS, beforeAcc.sizes, nowAcc.sizes),
  ];
  return ranked.sort((a, b) => Number(b.succinct) - Number(a.succinct) || b.surprise - a.surprise);
}

function perWindow(d: DimensionBreakdown, windows: number): DimensionBreakdown {
  const scale = (c: RateCounts): RateCounts => ({ numerator: c.numerator / windows, denominator: c.denominator / windows });
  return { dimension: d.dimension, slices: d.slices.map((s) => ({ ...s, baseline: scale(s.baseline) })) };
}

/** Values whose share of requests rose by at least this much are named in a traffic-mix shift. */
const MIX_RISE = 0.1;

/** How surprising each value's share of requests is now (Jensen-Shannon per value, as Adtributor). */
function mixShift(dim: string, values: readonly string[], before: Record<string, number>, now: Record<string, number>): RootCauseDimension {
  const sum = (c: Record<string, number>) => values.reduce((s, v) => s + (c[v] ?? 0), 0);
  const totalBefore = sum(before);
  const totalNow = sum(now);
  const shares = values.map((value) => {
    const baseline = totalBefore > 0 ? (before[value] ?? 0) / totalBefore : 0;
    const current = totalNow > 0 ? (now[value] ?? 0) / totalNow : 0;
    return { value, baseline, current, surprise: js(baseline, current) };
  });
  const culprits = shares
    .filter((s) => s.current - s.baseline >= MIX_RISE)
    .sort((a, b) => b.surprise - a.surprise)
    .slice(0, 3);
  return {
    dim,
    value: culprits[0]?.value ?? null,
    basis: 'traffic_mix',
    succinct: false,
    explained: 0,
    surprise: round(culprits.reduce((s, c) => s + c.surprise, 0)),
    culprits: culprits.map((c) => ({ value: c.value, explains: 0, surprise: round(c.surprise), baseline: round(c.baseline), current: round(c.current) })),
  };
}

function js(p: number, q: number): number {
  const m = (p + q) / 2;
  const term = (x: number): number => (x > 0 ? 0.5 * x * Math.log2(x / m) : 0);
  return term(p) + term(q);
}

/** Numerators and denominators add up, so each value's counts are the sum over its leaves. */
function byLeafTag(dim: 'model_version' | 'agent', now: Leaves, before: Leaves, counts: (w: WindowResult) => RateCounts | null): DimensionBreakdown {
  const groups = new Map<string, SliceCounts>();
  const add = (w: WindowResult, side: 'baseline' | 'current') => {
    let g = groups.get(w[dim]);
    if (!g) groups.set(w[dim], (g = { value: w[dim], baseline: { numerator: 0, denominator: 0 }, current: { numerator: 0, denominator: 0 } }));
    const c = counts(w);
    if (!c) return;
    g[side].numerator += c.numerator;
    g[side].denominator += c.denominator;
  };
  for (const w of before) add(w, 'baseline');
  for (const w of now) add(w, 'current');
  return { dimension: dim, slices: [...groups.values()] };
}

/** The series split by method, where the counts allow it; null otherwise. */
function methodSlices(series: string, before: Tally, now: Tally): SliceCounts[] | null {
  const single = methodOfSeries(series);
  const side = (acc: Tally) => {
    if (series === 'stego_rate') {
      const known = METHODS.reduce((s, m) => s + acc.predicted[m], 0);
      return [
        ...METHODS.map((m) => [m, acc.predicted[m], acc.predicted[m]] as const),
        ['unknown', acc.stego - known, acc.stego - known] as const,
        ['none', 0, acc.scored - acc.stego] as const,
      ];
    }
    if (single) return [[single, acc.predicted[single], acc.predicted[single]] as const, ['other', 0, acc.scored - acc.predicted[single]] as const];
    if (series === 'detection_rate') {
      const labelled = METHODS.reduce((s, m) => s + acc.labelledByMethod[m], 0);
      const detected = METHODS.reduce((s, m) => s + acc.detectedByMethod[m], 0);
      return [
        ...METHODS.map((m) => [m, acc.detectedByMethod[m], acc.labelledByMethod[m]] as const),
        ['unknown', acc.tp - detected, acc.stegoLabelled - labelled] as const,
      ];
    }
    return null;
  };
  const b = side(before);
  const c = side(now);
  if (!b || !c) return null;
  return b.map(([value, num, den], i) => ({
    value,
    baseline: { numerator: num, denominator: den },
    current: { numerator: c[i][1], denominator: c[i][2] },
  }));
}

/** The counters of several windows summed (no latency sketch: merging those is the costly part). */
type Tally = Pick<WindowAccumulator, 'stego' | 'scored' | 'tp' | 'stegoLabelled' | 'predicted' | 'labelledByMethod' | 'detectedByMethod' | 'formats' | 'sizes'>;

function tally(windows: Leaves): Tally {
  const t: Tally = { stego: 0, scored: 0, tp: 0, stegoLabelled: 0, predicted: {}, labelledByMethod: {}, detectedByMethod: {}, formats: {}, sizes: {} };
  for (const { acc } of windows) {
    t.stego += acc.stego;
    t.scored += acc.scored;
    t.tp += acc.tp;
    t.stegoLabelled += acc.stegoLabelled;
    addCounts(t.predicted, acc.predicted);
    addCounts(t.labelledByMethod, acc.labelledByMethod);
    addCounts(t.detectedByMethod, acc.detectedByMethod);
    addCounts(t.formats, acc.formats);
    addCounts(t.sizes, acc.sizes);
  }
  return t;
}

function pooledLatency(windows: Leaves): LatencySketch {
  const sketch = LatencySketch.empty();
  for (const { acc } of windows) sketch.merge(acc.latency);
  return sketch;
}

function summary(d: RankedDimension): RootCauseDimension {
  return {
    dim: d.dimension,
    value: d.culprits[0]?.value ?? null,
    basis: 'rate',
    succinct: d.succinct,
    explained: round(d.explained),
    surprise: round(d.surprise),
    culprits: d.culprits.map((v) => ({
      value: v.value,
      explains: round(v.explanatoryPower),
      surprise: round(v.surprise),
      baseline: round(v.baselineRate),
      current: round(v.currentRate),
    })),
  };
}

const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(4)) : 0);
