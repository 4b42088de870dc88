// Rates judged on counts. Twelve clean images with one false positive is "FPR 8%" but says almost
// nothing; the Wilson score interval says how much it says. A rate rule fires only when the whole
// interval is on the wrong side of its limit, so a handful of samples cannot page anyone.

/** z for a two-sided 95% interval: each side is wrong at most 2.5% of the time. */
export const Z_95 = 1.959963984540054;

export interface Counts {
  /** Events that count (false positives, detected stego). */
  hits: number;
  /** Events judged (clean labelled, stego labelled). */
  n: number;
}

export interface RateInterval {
  rate: number;
  lower: number;
  upper: number;
  n: number;
}

/** The Wilson score interval of hits/n; with n = 0 it is the whole 0..1 (nothing is known). */
export function wilson({ hits, n }: Counts, z = Z_95): RateInterval {
  if (n <= 0) return { rate: NaN, lower: 0, upper: 1, n: 0 };
  const p = hits / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half), n };
}

/**
 * Fewest samples that can show a rate is at most `target`: with no hits at all, the interval's
 * upper bound first reaches the target at this n. "FPR 0.05% needs at least 7,680 clean samples."
 */
export function minSamplesForTarget(target: number, z = Z_95): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`target must be in (0, 1), got ${target}`);
  // With hits = 0 the upper bound is z^2 / (n + z^2): solve z^2 / (n + z^2) <= target.
  return Math.ceil((z * z * (1 - target)) / target);
}

/** A rate as a percentage with a fixed number of decimals, as the alerts' summaries write it. */
export function pct(x: number, digits: number): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** For rates that should stay low (FPR): the interval lies wholly above the limit. */
export const surelyAbove = (c: Counts, limit: number, z = Z_95): boolean => wilson(c, z).lower > limit;

/** For rates that should stay high (detection): the interval lies wholly below the limit. */
export const surelyBelow = (c: Counts, limit: number, z = Z_95): boolean => wilson(c, z).upper < limit;
