// The upper tail of the standard normal, Q(x) = P(Z > x), accurate in relative terms far into
// the tail: the anomaly likelihood works on probabilities like 1e-7, where 1 - cdf would round.

/** P(Z > x) for a standard normal Z. */
export function normalTail(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}
