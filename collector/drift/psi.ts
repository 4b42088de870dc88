// Population Stability Index: sum of (q - p) * ln(q / p). The usual reading: < 0.1 stable,
// 0.1-0.25 moderate shift, > 0.25 significant shift.
import { alignedProbabilities, type Counts } from './distribution.ts';

export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.25;

export function psi(reference: Counts, current: Counts): number {
  const { p, q } = alignedProbabilities(reference, current);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (q[i] - p[i]) * Math.log(q[i] / p[i]);
  return sum;
}

export type DriftLevel = 'stable' | 'moderate' | 'significant';

export function psiLevel(value: number): DriftLevel {
  if (value > PSI_SIGNIFICANT) return 'significant';
  if (value > PSI_MODERATE) return 'moderate';
  return 'stable';
}
