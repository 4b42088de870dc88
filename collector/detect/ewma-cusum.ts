// Level shifts and slow drifts: a two-sided CUSUM on standardised residuals against a slowly
// moving EWMA baseline. CUSUM adds up small, persistent deviations that a point-wise z-score
// never sees (a drift of 0.1 sigma per point, a shift of 1.5 sigma). When it fires, the
// baseline is re-set to the recent level, so the detector adapts to the new normal and stops
// flagging instead of alarming forever after a deploy that legitimately moved a metric.
import { MAD_TO_SIGMA, median } from './rolling-window.ts';
import { quietPoint, scoreOf, type AnomalyPoint, type Detector, type Direction } from './types.ts';

export interface EwmaCusumOptions {
  /** Points used to learn the first level and noise scale; no flags before. */
  warmup: number;
  /** EWMA weight of the baseline level; small, so a drift is not followed away. */
  alpha: number;
  /** EWMA weight of the noise scale (mean absolute residual). */
  scaleAlpha: number;
  /** CUSUM slack in sigmas: deviations below it do not accumulate. */
  slack: number;
  /** CUSUM decision interval in sigmas: the sum above it flags. */
  limit: number;
  /** Each residual is clipped to this many sigmas, so a lone spike cannot trip the CUSUM. */
  clip: number;
  /** After a flag, the new baseline is the median of this many latest points. */
  rebaselinePoints: number;
  direction: Direction;
  minScale: number;
  relativeMinScale: number;
}

export const EWMA_CUSUM_DEFAULTS: EwmaCusumOptions = {
  warmup: 30,
  alpha: 0.02,
  scaleAlpha: 0.02,
  slack: 0.5,
  limit: 8,
  clip: 3,
  rebaselinePoints: 5,
  direction: 'both',
  minScale: 1e-9,
  relativeMinScale: 0.005,
};

export class EwmaCusumDetector implements Detector {
  readonly name = 'ewma-cusum';
  private readonly options: EwmaCusumOptions;
  private readonly recent: number[] = [];
  private level = NaN;
  private sigma = NaN;
  private up = 0;
  private down = 0;
  private seen = 0;

  constructor(options: Partial<EwmaCusumOptions> = {}) {
    this.options = { ...EWMA_CUSUM_DEFAULTS, ...options };
  }

  update(ts: number, value: number): AnomalyPoint {
    this.remember(value);
    this.seen++;
    if (this.seen <= this.options.warmup) return this.warmUp(ts, value);

    const { slack, limit, clip, direction } = this.options;
    const expected = this.level;
    const z = clamp((value - expected) / this.scale(), -clip, clip);
    this.up = Math.max(0, this.up + z - slack);
    this.down = Math.max(0, this.down - z - slack);
    const deviation = direction === 'up' ? this.up : direction === 'down' ? this.down : Math.max(this.up, this.down);
    const isAnomaly = deviation > limit;
    const score = scoreOf(deviation, limit);

    // A shift the harmless way is not flagged, but the baseline still follows it.
    if (this.up > limit || this.down > limit) this.rebaseline();
    else this.learn(z);
    return { ts, value, expected, score, isAnomaly, detector: this.name };
  }

  private warmUp(ts: number, value: number): AnomalyPoint {
    const expected = this.level;
    if (this.seen === this.options.warmup) {
      // The first baseline: robust, so a spike in the warm-up does not set the level.
      this.level = median(this.recent);
      const deviations = this.recent.map((v) => Math.abs(v - this.level));
      this.sigma = MAD_TO_SIGMA * median(deviations);
    }
    return quietPoint(ts, value, expected, this.name);
  }

  private learn(clippedZ: number): void {
    const { alpha, scaleAlpha } = this.options;
    const scale = this.scale();
    this.level += alpha * clippedZ * scale;
    // Mean absolute residual times sqrt(pi/2) estimates sigma for normal noise.
    this.sigma += scaleAlpha * (Math.abs(clippedZ) * scale * Math.sqrt(Math.PI / 2) - this.sigma);
  }

  private rebaseline(): void {
    const { rebaselinePoints } = this.options;
    this.level = median(this.recent.slice(-rebaselinePoints));
    this.up = 0;
    this.down = 0;
  }

  private remember(value: number): void {
    this.recent.push(value);
    const keep = Math.max(this.options.warmup, this.options.rebaselinePoints);
    if (this.recent.length > keep) this.recent.shift();
  }

  private scale(): number {
    const { minScale, relativeMinScale } = this.options;
    return Math.max(this.sigma, minScale, relativeMinScale * Math.abs(this.level));
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
