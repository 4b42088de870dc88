// Jensen-Shannon divergence in bits: symmetric and bounded to 0..1, so it reads the same for
// any number of categories (unlike PSI, which grows without bound).
import { alignedProbabilities, type Counts } from './distribution.ts';

export function jensenShannon(reference: Counts, current: Counts): number {
  const { p, q } = alignedProbabilities(reference, current, 0);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) sum += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) sum += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return Math.min(1, Math.max(0, sum));
}
