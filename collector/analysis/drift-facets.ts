// A window's counts as the drift monitor's facets. Prediction: the stego-probability histogram
// and the predicted-method mix among stego verdicts. Input: the format mix and the size buckets
// the windows count (by bytes, schemas/measurements.ts SIZE_BUCKETS; the windows do not keep
// pixel sizes, so drift/buckets.ts sizeBucket is not used here).
import { probBucketTag } from '../../schemas/measurements.ts';
import type { Counts } from '../drift/distribution.ts';
import type { FacetCounts } from '../drift/drift-monitor.ts';
import type { WindowAccumulator } from '../windows/accumulator.ts';

export function driftFacets(acc: WindowAccumulator): FacetCounts {
  const prob: Counts = {};
  acc.probHist.forEach((n, i) => {
    if (n > 0) prob[`p${probBucketTag(i)}`] = n;
  });
  return { stego_prob: prob, method: nonZero(acc.predicted), format: nonZero(acc.formats), size: nonZero(acc.sizes) };
}

function nonZero(counts: Record<string, number>): Counts {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}
