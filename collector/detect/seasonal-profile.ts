// Seasonal series (request rate with a daily peak): expected = level + profile(time of day).
// The profile is a set of bins over the period, read with linear interpolation between bin
// centres, and placed by timestamp rather than by point count, so it works the same for 1 s
// and 1 min windows and survives missing windows. Residuals are judged against a rolling
// MAD, so the daily peak is normal once learned and a spike on top of it is not.
// Flagged points are clipped before they teach the profile (a spike must not become "normal"),
// and a run of same-sign flags is read as a level shift: the level jumps to it and adapts.
import { MAD_TO_SIGMA, RollingWindow, median } from './rolling-window.ts';
import { directed, quietPoint, scoreOf, type AnomalyPoint, type Detector, type Direction } from './types.ts';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export interface SeasonalProfileOptions {
  /** Length of one season in the units of ts (ms): a day or a week. */
  periodMs: number;
  /** Bins across the period; 96 bins of a day are 15 minutes each. */
  bins: number;
  /** Timestamp where phase 0 starts (UTC midnight by default). */
  originMs: number;
  /** Full periods to learn before any flag. */
  warmupPeriods: number;
  /** The profile forgets with a memory of about this many periods. */
  memoryPeriods: number;
  /** EWMA weight of the deseasonalised level per point. */
  alpha: number;
  /** Rolling window of residuals for the scale. */
  residualWindow: number;
  threshold: number;
  direction: Direction;
  /** Residuals are clipped to this many sigmas before they update level and profile. */
  clip: number;
  /** This many consecutive same-sign flags are a level shift: the level moves to it. */
  shiftRun: number;
  minScale: number;
  relativeMinScale: number;
}

export const SEASONAL_DEFAULTS: SeasonalProfileOptions = {
  periodMs: DAY_MS,
  bins: 96,
  originMs: 0,
  warmupPeriods: 2,
  memoryPeriods: 3,
  alpha: 0.02,
  residualWindow: 120,
  threshold: 5,
  direction: 'both',
  clip: 3,
  shiftRun: 5,
  minScale: 1e-9,
  relativeMinScale: 0.005,
};

export class SeasonalProfileDetector implements Detector {
  readonly name = 'seasonal-profile';
  private readonly options: SeasonalProfileOptions;
  private readonly profile: Float64Array;
  private readonly updates: Float64Array;
  private readonly perPeriod: Float64Array;
  private readonly residuals: RollingWindow;
  private run: number[] = [];
  private level = NaN;
  private firstTs = NaN;
  private settled = false;

  constructor(options: Partial<SeasonalProfileOptions> = {}) {
    this.options = { ...SEASONAL_DEFAULTS, ...options };
    const { bins, periodMs } = this.options;
    if (!(bins >= 2 && periodMs > 0)) throw new RangeError('seasonal profile needs bins >= 2 and periodMs > 0');
    this.profile = new Float64Array(bins);
    this.updates = new Float64Array(bins);
    this.perPeriod = new Float64Array(bins);
    this.residuals = new RollingWindow(this.options.residualWindow);
  }

  update(ts: number, value: number): AnomalyPoint {
    if (Number.isNaN(this.firstTs)) this.firstTs = ts;
    const place = this.place(ts);
    const inFirstPeriod = ts - this.firstTs < this.options.periodMs;
    if (inFirstPeriod) return this.learnFirstPeriod(ts, value, place);
    if (!this.settled) this.settle();

    const expected = this.level + this.seasonal(place);
    const residual = value - expected;
    const scale = this.scale(expected);
    const ready = ts - this.firstTs >= this.options.warmupPeriods * this.options.periodMs && this.residuals.length >= 10;
    const z = residual / scale;
    this.learn(place, ready ? clamp(residual, -this.options.clip * scale, this.options.clip * scale) : residual);
    this.residuals.push(residual);
    if (!ready) return quietPoint(ts, value, expected, this.name);

    const deviation = directed(z, this.options.direction);
    const isAnomaly = deviation > this.options.threshold;
    this.watchForShift(Math.abs(z) > this.options.threshold ? residual : NaN);
    return { ts, value, expected, score: scoreOf(deviation, this.options.threshold), isAnomaly, detector: this.name };
  }

  /** The first period only fills the bins with plain means. */
  private learnFirstPeriod(ts: number, value: number, place: Place): AnomalyPoint {
    const bin = place.nearest;
    this.perPeriod[bin]++;
    this.updates[bin]++;
    this.profile[bin] += (value - this.profile[bin]) / this.perPeriod[bin];
    return quietPoint(ts, value, NaN, this.name);
  }

  /** Splits the first period's bin means into a level and a zero-mean profile. */
  private settle(): void {
    let sum = 0;
    let filled = 0;
    this.perPeriod.forEach((n, b) => {
      if (n > 0) {
        sum += this.profile[b];
        filled++;
      }
    });
    this.level = sum / filled;
    this.profile.forEach((mean, b) => {
      this.profile[b] = this.perPeriod[b] > 0 ? mean - this.level : 0;
    });
    this.settled = true;
  }

  private learn(place: Place, residual: number): void {
    const { alpha } = this.options;
    this.level += alpha * residual;
    const rest = (1 - alpha) * residual;
    this.nudge(place.low, rest * (1 - place.weight));
    this.nudge(place.high, rest * place.weight);
  }

  private nudge(bin: number, share: number): void {
    this.updates[bin]++;
    const perPeriod = Math.max(1, this.perPeriod[bin]);
    const gain = 1 / Math.min(this.updates[bin], this.options.memoryPeriods * perPeriod);
    this.profile[bin] += gain * share;
  }

  private watchForShift(flaggedResidual: number): void {
    if (Number.isNaN(flaggedResidual) || (this.run.length > 0 && Math.sign(flaggedResidual) !== Math.sign(this.run[0]))) {
      this.run = Number.isNaN(flaggedResidual) ? [] : [flaggedResidual];
      return;
    }
    this.run.push(flaggedResidual);
    if (this.run.length >= this.options.shiftRun) {
      this.level += median(this.run);
      this.run = [];
    }
  }

  private seasonal(place: Place): number {
    return this.profile[place.low] * (1 - place.weight) + this.profile[place.high] * place.weight;
  }

  private place(ts: number): Place {
    const { periodMs, bins, originMs } = this.options;
    const phase = ((((ts - originMs) % periodMs) + periodMs) % periodMs) / periodMs;
    const position = phase * bins - 0.5; // bin centres sit at b + 0.5
    const lowRaw = Math.floor(position);
    const weight = position - lowRaw;
    const low = ((lowRaw % bins) + bins) % bins;
    const nearest = Math.min(bins - 1, Math.floor(phase * bins));
    return { low, high: (low + 1) % bins, weight, nearest };
  }

  private scale(center: number): number {
    const { minScale, relativeMinScale } = this.options;
    const mad = this.residuals.length > 0 ? MAD_TO_SIGMA * this.residuals.mad() : 0;
    return Math.max(mad, minScale, relativeMinScale * Math.abs(center));
  }
}

interface Place {
  low: number;
  high: number;
  /** Weight of `high` in the interpolation. */
  weight: number;
  /** The bin the point falls in. */
  nearest: number;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
