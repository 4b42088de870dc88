// Robust z-score against a rolling median and MAD: catches spikes (single points far from
// the recent typical value). Median and MAD ignore the spikes themselves, so one outlier
// neither hides the next nor inflates the scale. A lasting level shift is absorbed once it
// fills half the window, which is the adaptation we want from a spike detector.
import { MAD_TO_SIGMA, RollingWindow } from './rolling-window.ts';
import { directed, quietPoint, scoreOf, type AnomalyPoint, type Detector, type Direction } from './types.ts';

export interface RobustZOptions {
  /** Points in the rolling window. */
  window: number;
  /** No flags until this many points were seen. */
  warmup: number;
  /** |z| above this flags (z in robust standard deviations). */
  threshold: number;
  direction: Direction;
  /** Floor of the scale in value units, for series that sit on one value (error rate 0). */
  minScale: number;
  /** Floor of the scale as a fraction of |median|, so tiny jitter on a big level is not noise-free. */
  relativeMinScale: number;
}

export const ROBUST_Z_DEFAULTS: RobustZOptions = {
  window: 60,
  warmup: 30,
  threshold: 5,
  direction: 'both',
  minScale: 1e-9,
  relativeMinScale: 0.005,
};

export class RobustZDetector implements Detector {
  readonly name = 'robust-z';
  private readonly options: RobustZOptions;
  private readonly window: RollingWindow;
  private seen = 0;

  constructor(options: Partial<RobustZOptions> = {}) {
    this.options = { ...ROBUST_Z_DEFAULTS, ...options };
    this.window = new RollingWindow(this.options.window);
  }

  update(ts: number, value: number): AnomalyPoint {
    const { warmup, threshold, direction } = this.options;
    const expected = this.window.length > 0 ? this.window.median() : NaN;
    const ready = this.seen >= warmup && this.window.length > 0;
    const z = ready ? (value - expected) / this.scale(expected) : 0;
    this.window.push(value);
    this.seen++;
    if (!ready) return quietPoint(ts, value, expected, this.name);
    const deviation = directed(z, direction);
    return {
      ts,
      value,
      expected,
      score: scoreOf(deviation, threshold),
      isAnomaly: deviation > threshold,
      detector: this.name,
    };
  }

  private scale(center: number): number {
    const { minScale, relativeMinScale } = this.options;
    return Math.max(MAD_TO_SIGMA * this.window.mad(), minScale, relativeMinScale * Math.abs(center));
  }
}
