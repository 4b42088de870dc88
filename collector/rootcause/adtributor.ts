// Ranks dimensions by how well a few of their values explain a change, after Adtributor
// (Bhagwan et al., NSDI 2014). For each value: explanatory power = how far the overall rate
// moves if only that value changes (others stay at baseline), as a share of the whole change;
// surprise = Jensen-Shannon divergence between its baseline and current share of the
// numerator and of the denominator. In each dimension the most surprising values that each
// explain a real part are taken until they explain enough; dimensions are ordered by the
// surprise of those values, succinct ones first.
import type { DimensionBreakdown, RankedDimension, RankedValue, RateCounts, RootCauseResult, SliceCounts } from './types.ts';

export interface AdtributorOptions {
  /** The chosen values must explain at least this share of the change. */
  minExplained: number;
  /** A value must explain at least this share on its own to be chosen. */
  minValueExplained: number;
  /** At most this many values per dimension, and never more than half of them ("a few" is the point). */
  maxCulprits: number;
  kind: 'rate' | 'count';
}

export const ADTRIBUTOR_DEFAULTS: AdtributorOptions = { minExplained: 0.67, minValueExplained: 0.1, maxCulprits: 3, kind: 'rate' };

export class RootCauseInputError extends Error {
  readonly code = 'bad_rootcause_input';
}

export function rankRootCauses(breakdowns: readonly DimensionBreakdown[], options: Partial<AdtributorOptions> = {}): RootCauseResult {
  const opts = { ...ADTRIBUTOR_DEFAULTS, ...options };
  if (breakdowns.length === 0) throw new RootCauseInputError('no dimensions given');
  const totals = sumSlices(breakdowns[0].slices);
  const baselineRate = measure(totals.baseline, opts.kind);
  const currentRate = measure(totals.current, opts.kind);
  const dimensions = breakdowns.map((b) => rankDimension(b, totals, currentRate - baselineRate, opts));
  dimensions.sort((a, b) => Number(b.succinct) - Number(a.succinct) || b.surprise - a.surprise || b.explained - a.explained);
  return { baselineRate, currentRate, dimensions };
}

function rankDimension(
  breakdown: DimensionBreakdown,
  totals: { baseline: RateCounts; current: RateCounts },
  change: number,
  opts: AdtributorOptions,
): RankedDimension {
  const values = breakdown.slices.map((slice) => rankValue(slice, totals, change, opts.kind));
  const culprits: RankedValue[] = [];
  let explained = 0;
  // A cause is a minority of values: a change spread over all of them is no answer.
  const most = Math.min(opts.maxCulprits, Math.max(1, Math.floor(values.length / 2)));
  for (const v of [...values].sort((a, b) => b.surprise - a.surprise)) {
    if (explained >= opts.minExplained || culprits.length >= most) break;
    if (v.explanatoryPower < opts.minValueExplained) continue;
    culprits.push(v);
    explained += v.explanatoryPower;
  }
  values.sort((a, b) => b.explanatoryPower - a.explanatoryPower);
  return {
    dimension: breakdown.dimension,
    explained,
    surprise: culprits.reduce((s, v) => s + v.surprise, 0),
    succinct: explained >= opts.minExplained,
    culprits,
    values,
  };
}

function rankValue(
  slice: SliceCounts,
  totals: { baseline: RateCounts; current: RateCounts },
  change: number,
  kind: AdtributorOptions['kind'],
): RankedValue {
  const { baseline, current } = slice;
  // The overall rate if only this value had changed.
  const onlyThis: RateCounts = {
    numerator: totals.baseline.numerator - baseline.numerator + current.numerator,
    denominator: totals.baseline.denominator - baseline.denominator + current.denominator,
  };
  const moved = measure(onlyThis, kind) - measure(totals.baseline, kind);
  const surprise =
    js(share(baseline.numerator, totals.baseline.numerator), share(current.numerator, totals.current.numerator)) +
    (kind === 'rate'
      ? js(share(baseline.denominator, totals.baseline.denominator), share(current.denominator, totals.current.denominator))
      : 0);
  return {
    value: slice.value,
    explanatoryPower: change === 0 ? 0 : moved / change,
    surprise,
    baselineRate: measure(baseline, kind),
    currentRate: measure(current, kind),
  };
}

function measure(c: RateCounts, kind: AdtributorOptions['kind']): number {
  if (kind === 'count') return c.numerator;
  return c.denominator > 0 ? c.numerator / c.denominator : 0;
}

function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** Jensen-Shannon divergence of two one-cell shares, the per-element surprise of Adtributor. */
function js(p: number, q: number): number {
  const m = (p + q) / 2;
  const term = (x: number): number => (x > 0 ? 0.5 * x * Math.log2(x / m) : 0);
  return term(p) + term(q);
}

function sumSlices(slices: readonly SliceCounts[]): { baseline: RateCounts; current: RateCounts } {
  const out = { baseline: { numerator: 0, denominator: 0 }, current: { numerator: 0, denominator: 0 } };
  for (const s of slices) {
    for (const side of ['baseline', 'current'] as const) {
      const { numerator, denominator } = s[side];
      if (!(numerator >= 0 && denominator >= 0)) throw new RootCauseInputError(`slice "${s.value}": counts must be >= 0`);
      out[side].numerator += numerator;
      out[side].denominator += denominator;
    }
  }
  return out;
}
