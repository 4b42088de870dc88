// Forecasts of one series of one scope: Holt-Winters refitted now and then on the recent
// history and updated point by point in between, with 95% intervals and, when the series has
// an alert threshold, the time until the point forecast crosses it.
import { fitHoltWinters } from '../forecast/fit.ts';
import type { ForecastPoint, HoltWinters } from '../forecast/holt-winters.ts';
import { timeToThreshold, type Crossing } from '../forecast/time-to-threshold.ts';

export interface Threshold {
  value: number;
  label: string;
  text: string;
}

export interface SeriesForecast {
  series: string;
  granularity: string;
  model_version: string;
  /** The last observed point the forecast starts after. */
  lastTs: number;
  lastValue: number;
  points: ForecastPoint[];
  /** Time to the alert threshold, if the forecast crosses it within the horizon. */
  crossing: Crossing | null;
  /** The alert threshold of the series, when it has one. */
  threshold?: number;
}

export interface ForecasterOptions {
  horizon: number;
  history: number;
  refitEvery: number;
  /** Points needed before the first fit (fitHoltWinters without a season; default 12). */
  minPoints?: number;
  /** Rates cannot go below 0: the band is clipped there. */
  floorAtZero: boolean;
  threshold?: Threshold;
}

export class SeriesForecaster {
  private readonly ts: number[] = [];
  private readonly values: number[] = [];
  private model: HoltWinters | null = null;
  private sinceFit = 0;

  constructor(private readonly options: ForecasterOptions) {}

  /** Adds a point; returns the refreshed forecast once there is enough history. */
  add(ts: number, value: number): { points: ForecastPoint[]; crossing: Crossing | null; threshold?: number } | null {
    this.ts.push(ts);
    this.values.push(value);
    if (this.ts.length > this.options.history) {
      this.ts.shift();
      this.values.shift();
    }
    this.sinceFit++;
    if (this.model && this.sinceFit < this.options.refitEvery) this.model.update(ts, value);
    else if (this.ts.length >= (this.options.minPoints ?? 12)) {
      this.model = fitHoltWinters(this.ts, this.values, { minPoints: this.options.minPoints });
      this.sinceFit = 0;
    }
    if (!this.model?.ready) return null;
    const points = this.model.forecast(this.options.horizon).map((p) =>
      this.options.floorAtZero ? { ...p, value: Math.max(0, p.value), lower: Math.max(0, p.lower), upper: Math.max(0, p.upper) } : p,
    );
    const t = this.options.threshold;
    const crossing = t ? timeToThreshold(ts, value, points, t.value, { direction: 'above', label: t.label, thresholdText: t.text }) : null;
    return t ? { points, crossing, threshold: t.value } : { points, crossing };
  }
}
