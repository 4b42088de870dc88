// The one interface every streaming detector implements, so the collector, the offline CLI
// and the tests drive them the same way: feed points in time order, read one verdict each.

export interface AnomalyPoint {
  /** Timestamp of the point (ms since the epoch, or any increasing number). */
  ts: number;
  value: number;
  /** What the detector expected at ts; NaN while it has not learned enough to say. */
  expected: number;
  /** 0..1; 0.5 is the flagging threshold of the detector that produced it. */
  score: number;
  isAnomaly: boolean;
  /** Name of the detector (for a composite: the member that gave the highest score). */
  detector: string;
}

export interface Detector {
  readonly name: string;
  /**
   * `sampleSize`: for a proportion (k of n events in the window), n. A detector that knows it
   * treats the binomial noise of n events as noise; others ignore it.
   */
  update(ts: number, value: number, sampleSize?: number): AnomalyPoint;
}

/** Which side of the expectation counts: latency only matters going up, detection going down. */
export type Direction = 'both' | 'up' | 'down';

/** Deviation in the direction we care about; 0 when the point moved the harmless way. */
export function directed(z: number, direction: Direction): number {
  if (direction === 'up') return Math.max(0, z);
  if (direction === 'down') return Math.max(0, -z);
  return Math.abs(z);
}

/** Maps a deviation to 0..1 so that `threshold` lands on 0.5 and twice it saturates. */
export function scoreOf(deviation: number, threshold: number): number {
  if (!Number.isFinite(deviation)) return deviation > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, deviation / (2 * threshold)));
}

/** The verdict during warm-up: never a flag. */
export function quietPoint(ts: number, value: number, expected: number, detector: string): AnomalyPoint {
  return { ts, value, expected, score: 0, isAnomaly: false, detector };
}
