// The candidate forecasts of the next point that the adaptive detector picks from: the recent
// level (median of the last few points) and "the same time one period ago" for each candidate
// period (median over up to five past periods, so one or two past anomalies do not echo). Which one
// describes the series is found from the data: each keeps a running error, and the smallest wins.
import { median } from './rolling-window.ts';
import type { TimeRing } from './time-ring.ts';

export interface Predictor {
  readonly name: string;
  /** NaN when it cannot say yet (not enough history). */
  predict(history: TimeRing, ts: number, stepMs: number): number;
}

export function levelPredictor(points: number): Predictor {
  return {
    name: 'level',
    predict(history) {
      const n = Math.min(points, history.length);
      if (n === 0) return NaN;
      const last: number[] = [];
      for (let i = 0; i < n; i++) last.push(history.recent(i));
      return median(last);
    },
  };
}

export function periodPredictor(name: string, periodMs: number, periods: number): Predictor {
  return {
    name,
    predict(history, ts, stepMs) {
      const past: number[] = [];
      for (let k = 1; k <= periods; k++) {
        const v = history.near(ts - k * periodMs, stepMs / 2);
        if (!Number.isNaN(v)) past.push(v);
      }
      return past.length === 0 ? NaN : median(past);
    },
  };
}

/**
 * Running mean absolute error of one predictor, twice: clipped (the noise scale; one anomaly
 * cannot blow it up) and unclipped (for choosing the predictor: a level forecast that misses
 * every daily step must pay for the steps in full).
 */
export class PredictorError {
  private meanAbs = NaN;
  private meanAbsUnclipped = NaN;
  count = 0;

  constructor(private readonly alpha: number, private readonly clip: number) {}

  get value(): number {
    return this.meanAbs;
  }

  get unclipped(): number {
    return this.meanAbsUnclipped;
  }

  /** `floor`: the smallest scale assumed, so a series that was exact until now can still learn noise. */
  add(absError: number, floor: number): void {
    this.count++;
    // A plain mean until the memory is full, then exponential: a first error that happened to be
    // small does not set the scale for hundreds of points (it made early noise look like anomalies).
    const alpha = Math.max(this.alpha, 1 / this.count);
    const clipped = Number.isNaN(this.meanAbs) ? absError : Math.min(absError, this.clip * Math.max(this.meanAbs, floor));
    this.meanAbs = Number.isNaN(this.meanAbs) ? clipped : this.meanAbs + alpha * (clipped - this.meanAbs);
    this.meanAbsUnclipped = Number.isNaN(this.meanAbsUnclipped) ? absError : this.meanAbsUnclipped + alpha * (absError - this.meanAbsUnclipped);
  }
}
