// Category labels the collector uses when it counts events for drift, so the reference and
// the current windows always share the same bins.

export const PROBABILITY_BINS = 10;

/** 'p0.0-0.1' ... 'p0.9-1.0'; 1.0 falls in the last bin. */
export function probabilityBucket(p: number, bins = PROBABILITY_BINS): string {
  const i = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
  return `p${(i / bins).toFixed(1)}-${((i + 1) / bins).toFixed(1)}`;
}

const SIZE_EDGES = [128, 256, 512, 1024, 2048];

/** Bucket by the longer side in pixels: '<=128', '<=256', ..., '>2048'. */
export function sizeBucket(width: number, height: number): string {
  const side = Math.max(width, height);
  const edge = SIZE_EDGES.find((e) => side <= e);
  return edge === undefined ? `>${SIZE_EDGES[SIZE_EDGES.length - 1]}` : `<=${edge}`;
}
