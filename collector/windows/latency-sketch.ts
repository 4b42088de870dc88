// The latency sketch of a window: an HDR histogram in microseconds. Two sketches built with these
// settings merge exactly (the merge is the sketch of the union), which is what lets windows of
// different lengths and of different replicas combine.
import * as hdr from 'hdr-histogram-js';

// What hdr.build makes with these settings (bitBucketSize 32: an Int32Histogram), typed with the
// counting members recordFast uses.
type Histogram = hdr.JsHistogram;

export const SETTINGS = {
  lowestDiscernibleValue: 1, // 1 µs
  highestTrackableValue: 60_000_000, // 60 s; grows by itself past that
  numberOfSignificantValueDigits: 3, // 0.1 % relative error
  autoResize: true,
} as const;

export class LatencySketch {
  private constructor(private readonly histogram: Histogram) {}

  static empty(): LatencySketch {
    return new LatencySketch(hdr.build(SETTINGS) as Histogram);
  }

  static decode(encoded: string): LatencySketch {
    const sketch = LatencySketch.empty();
    if (encoded) sketch.histogram.add(hdr.decodeFromCompressedBase64(encoded) as Histogram);
    return sketch;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  recordMs(ms: number): void {
    recordFast(this.histogram, Math.max(1, Math.round(ms * 1000)));
  }

  merge(other: LatencySketch): void {
    if (other.count > 0) this.histogram.add(other.histogram);
  }

  /** Percentile (0..100) in ms: the highest value equivalent to the nearest-rank value. */
  percentileMs(p: number): number {
    return this.histogram.getValueAtPercentile(p) / 1000;
  }

  encode(): string {
    return this.count === 0 ? '' : hdr.encodeIntoCompressedBase64(this.histogram);
  }
}

/**
 * histogram.recordValue(us), with the bucket found from the value's bits. The library finds it
 * with Math.log2 and Math.pow, about 110 ns a value: a tenth of the collector's work an event.
 * The index is the library's own formula (JsHistogram.countsArrayIndex) in integer arithmetic;
 * test/unit/collector-latency-sketch.test.ts holds the two equal. Values past 2^31 and past the
 * histogram's current range go the library's way, which also grows it.
 */
export function recordFast(h: Histogram, us: number): void {
  if (us >= 2 ** 31) return h.recordValue(us);
  const index = countsIndexOf(h, us);
  if (index >= h.countsArrayLength) return h.recordValue(us);
  h.incrementCountAtIndex(index);
  h.updateMinAndMax(us);
  h.incrementTotalCount();
}

/** JsHistogram.countsArrayIndex for an integer from 1 to 2^31 - 1. */
export function countsIndexOf(h: Histogram, us: number): number {
  const bucket = Math.max(31 - Math.clz32(us) - h.subBucketHalfCountMagnitude - h.unitMagnitude, 0);
  const subBucket = us >>> (bucket + h.unitMagnitude);
  return ((bucket + 1) << h.subBucketHalfCountMagnitude) + subBucket - h.subBucketHalfCount;
}
