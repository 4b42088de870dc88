// The latency sketch of a window: an HDR histogram in microseconds. Two sketches built with these
// settings merge exactly (the merge is the sketch of the union), which is what lets windows of
// different lengths and of different replicas combine.
import * as hdr from 'hdr-histogram-js';

type Histogram = ReturnType<typeof hdr.build>;

const SETTINGS = {
  lowestDiscernibleValue: 1, // 1 µs
  highestTrackableValue: 60_000_000, // 60 s; grows by itself past that
  numberOfSignificantValueDigits: 3, // 0.1 % relative error
  autoResize: true,
} as const;

export class LatencySketch {
  private constructor(private readonly histogram: Histogram) {}

  static empty(): LatencySketch {
    return new LatencySketch(hdr.build(SETTINGS));
  }

  static decode(encoded: string): LatencySketch {
    const sketch = LatencySketch.empty();
    if (encoded) sketch.histogram.add(hdr.decodeFromCompressedBase64(encoded));
    return sketch;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
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
