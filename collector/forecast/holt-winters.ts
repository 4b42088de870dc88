// Additive Holt-Winters in its error-correction form (ETS A,Ad,A), with an optional damped
// trend and an optional season. Points update the state as they arrive; a forecast at any
// moment gives the point path and prediction intervals from the one-step residual variance,
// widened with the horizon by the model's own variance multipliers (Hyndman et al. 2008,
// class 1), so the band is honest about how quickly the future gets uncertain.
import { median } from '../detect/rolling-window.ts';

export interface HoltWintersParams {
  /** Level smoothing, 0..1. */
  alpha: number;
  /** Trend smoothing (ETS form: a share of the error, <= alpha). */
  beta: number;
  /** Season smoothing, ignored without a period. */
  gamma: number;
  /** Trend damping, 1 = undamped. */
  phi: number;
  /** Points per season; 0 for none. */
  period: number;
}

export interface ForecastPoint {
  /** Steps ahead of the last point (1 = next). */
  step: number;
  ts: number;
  value: number;
  lower: number;
  upper: number;
}

export interface HoltWintersOptions {
  /**
   * Points the first level, trend and season are fitted on (a least-squares line). More is
   * steadier: a trend taken from 10 noisy points is mostly noise. Minimum: 2 seasons or 10.
   */
  initPoints: number;
  /** Floor of initPoints without a season (default 10); lower only where a quick first forecast beats a steady one (demos). */
  minInitPoints: number;
  /** When > 0, also score forecasts this many steps ahead (sseAhead), for fitting. */
  scoreHorizon: number;
  /** Forgetting of the residual variance per point once enough errors were seen. */
  errorMemory: number;
}

/** Two-sided normal quantile for a 95% interval. */
export const Z95 = 1.959964;

export class NotEnoughDataError extends Error {
  readonly code = 'not_enough_data';
}

export class HoltWinters {
  private level = NaN;
  private trend = 0;
  private season: number[] = [];
  private t = -1; // index of the last point
  private lastTs = NaN;
  private lastValue = NaN;
  private stepMs = NaN;
  private squaredError = 0;
  private errors = 0;
  private readonly pending: { ts: number; value: number }[] = [];

  /** Forecasts made `scoreHorizon` steps ahead, waiting for their actual value. */
  private readonly ahead: number[] = [];

  private readonly scoreHorizon: number;
  private readonly errorMemory: number;
  private readonly initCount: number;
  /** phi + phi^2 + ... + phi^scoreHorizon. */
  private readonly aheadPhiSum: number;

  constructor(readonly params: HoltWintersParams, options: Partial<HoltWintersOptions> = {}) {
    this.scoreHorizon = options.scoreHorizon ?? 0;
    this.errorMemory = options.errorMemory ?? 0.01;
    this.aheadPhiSum = Array.from({ length: this.scoreHorizon }, (_, i) => params.phi ** (i + 1)).reduce((a, b) => a + b, 0);
    this.initCount = Math.max(params.period > 0 ? 2 * params.period : (options.minInitPoints ?? 10), options.initPoints ?? 0);
    const { alpha, beta, gamma, phi, period } = params;
    if (!(alpha > 0 && alpha <= 1 && beta >= 0 && beta <= alpha && gamma >= 0 && gamma <= 1 && phi > 0 && phi <= 1)) {
      throw new RangeError(`invalid Holt-Winters parameters ${JSON.stringify(params)}`);
    }
    if (!Number.isInteger(period) || period < 0 || period === 1) throw new RangeError(`period must be 0 or an integer >= 2`);
  }

  /** Points needed before the first forecast: at least two seasons, or 10 points without a season. */
  get initPoints(): number {
    return this.initCount;
  }

  get ready(): boolean {
    return !Number.isNaN(this.level);
  }

  /** Standard deviation of the one-step errors so far. */
  get sigma(): number {
    return this.errors > 0 ? Math.sqrt(this.squaredError) : NaN;
  }

  update(ts: number, value: number): void {
    if (!Number.isFinite(ts) || !Number.isFinite(value)) throw new RangeError(`point must be finite numbers, got (${ts}, ${value})`);
    if (!this.ready) {
      this.pending.push({ ts, value });
      if (this.pending.length >= this.initPoints) this.initialise();
      return;
    }
    this.step(ts, value);
  }

  /** The latest point seen (the forecast starts after it). */
  get last(): { ts: number; value: number } {
    return { ts: this.lastTs, value: this.lastValue };
  }

  /** The next `horizon` steps with 95% (or `z`) intervals. */
  forecast(horizon: number, z = Z95): ForecastPoint[] {
    if (!this.ready) throw new NotEnoughDataError(`forecast needs ${this.initPoints} points first`);
    const { alpha, beta, gamma, phi, period } = this.params;
    const sigma = this.sigma;
    const out: ForecastPoint[] = [];
    let phiSum = 0; // phi + phi^2 + ... + phi^h
    let varianceFactor = 1; // 1 + sum over j < h of c_j^2
    for (let h = 1; h <= horizon; h++) {
      phiSum += phi ** h;
      const seasonal = period > 0 ? this.season[(this.t + h) % period] : 0;
      const value = this.level + phiSum * this.trend + seasonal;
      const half = z * sigma * Math.sqrt(varianceFactor);
      out.push({ step: h, ts: this.lastTs + h * this.stepMs, value, lower: value - half, upper: value + half });
      const c = alpha + beta * phiSum + (period > 0 && h % period === 0 ? gamma : 0);
      varianceFactor += c * c;
    }
    return out;
  }

  /** Sum of squared one-step errors over everything seen; what fitting minimises. */
  sse = 0;
  /** Sum of squared `scoreHorizon`-step errors, and how many there were. */
  sseAhead = 0;
  aheadCount = 0;

  private step(ts: number, value: number): void {
    const { alpha, beta, gamma, phi, period } = this.params;
    this.t++;
    const slot = period > 0 ? this.t % period : 0;
    const seasonal = period > 0 ? this.season[slot] : 0;
    const error = value - (this.level + phi * this.trend + seasonal);
    this.level = this.level + phi * this.trend + alpha * error;
    this.trend = phi * this.trend + beta * error;
    if (period > 0) this.season[slot] = seasonal + gamma * error;
    this.errors++;
    // Plain mean at first, then slow forgetting so the band follows a change in noise. Once
    // settled, an error counts at most as 5 sigma: one outlier should not blow up the band.
    const cap = this.errors > 20 ? 25 * this.squaredError : Infinity;
    this.squaredError += Math.max(1 / this.errors, this.errorMemory) * (Math.min(error * error, cap) - this.squaredError);
    this.sse += error * error;
    if (this.scoreHorizon > 0) this.scoreAhead(value);
    // The step follows the data slowly, so one late window does not stretch the forecast axis.
    if (!Number.isNaN(this.lastTs) && ts > this.lastTs) this.stepMs += 0.05 * (ts - this.lastTs - this.stepMs);
    this.lastTs = ts;
    this.lastValue = value;
  }

  private scoreAhead(value: number): void {
    const h = this.scoreHorizon;
    if (this.ahead.length === h) {
      const predicted = this.ahead.shift() as number;
      this.sseAhead += (value - predicted) ** 2;
      this.aheadCount++;
    }
    const { period } = this.params;
    const seasonal = period > 0 ? this.season[(this.t + h) % period] : 0;
    this.ahead.push(this.level + this.aheadPhiSum * this.trend + seasonal);
  }

  /** Least-squares line through the first points for level and trend; season from the detrended means. */
  private initialise(): void {
    const points = this.pending.splice(0);
    const n = points.length;
    const { period } = this.params;
    const xMean = (n - 1) / 2;
    const yMean = points.reduce((s, p) => s + p.value, 0) / n;
    let sxy = 0;
    let sxx = 0;
    points.forEach((p, i) => {
      sxy += (i - xMean) * (p.value - yMean);
      sxx += (i - xMean) ** 2;
    });
    const slope = sxx > 0 ? sxy / sxx : 0;
    const intercept = yMean - slope * xMean;
    if (period > 0) {
      const sums = new Array(period).fill(0);
      const counts = new Array(period).fill(0);
      points.forEach((p, i) => {
        sums[i % period] += p.value - (intercept + slope * i);
        counts[i % period]++;
      });
      this.season = sums.map((s, i) => s / counts[i]);
    }
    // State as of "just before point 0", then replay the points to learn the residuals.
    this.level = intercept - slope;
    this.trend = slope;
    const step = median(points.slice(1).map((p, i) => p.ts - points[i].ts));
    this.stepMs = step > 0 ? step : 1;
    for (const p of points) this.step(p.ts, p.value);
  }
}
