// The default detector. Per point: forecast it (the recent level, or the same time a day / a
// week ago when the data shows that rhythm), measure the surprise (forecast error against the
// forecast's own typical error, and distance from what the series did over the last day),
// calibrate the surprise against the series' own history with the anomaly likelihood, and flag
// an incident once: after a flag the detector rests, so one incident is one anomaly.
import { AnomalyLikelihood, LIKELIHOOD_DEFAULTS, studentAsNormal, type LikelihoodOptions } from './anomaly-likelihood.ts';
import { levelPredictor, periodPredictor, PredictorError, type Predictor } from './predictors.ts';
import { RollingWindow } from './rolling-window.ts';
import { RunningStats } from './running-stats.ts';
import { DAY_MS, WEEK_MS } from './seasonal-profile.ts';
import { TimeRing } from './time-ring.ts';
import { directed, quietPoint, type AnomalyPoint, type Detector, type Direction } from './types.ts';

export interface AdaptiveOptions {
  /** No flags until this many points were seen. */
  warmup: number;
  direction: Direction;
  /** Smallest noise scale assumed, in the series' units (error rate stuck at 0). */
  minScale: number;
  /** Smallest noise scale as a fraction of |expected|. */
  relativeMinScale: number;
  /** Candidate season lengths (ms); each competes with the recent level on its forecast error. */
  periodsMs: number[];
  /** Past periods whose median forecasts the point (one past anomaly then does not echo). */
  periodsBack: number;
  /** Points whose median is the "recent level" forecast. */
  levelPoints: number;
  /** Memory (points) of each forecast's running error. */
  errorMemory: number;
  /** Errors are clipped to this many typical errors before they update it. */
  errorClip: number;
  /** Points of "what the series did lately" for the distance-from-normal surprise. */
  noveltyWindow: number;
  /** Points in the novelty window before the distance from it counts. */
  noveltyMinPoints: number;
  /** Surprise = min(1, z / surpriseCap), z in typical errors. */
  surpriseCap: number;
  /** Points kept for the seasonal forecasts (caps memory; longer periods then get fewer past periods). */
  historyPoints: number;
  likelihood: LikelihoodOptions;
  /** Calibrated log-likelihood at which a point is flagged (0.15: a tail probability of about 3e-2 over 10 points). */
  flagAt: number;
  /** Points after a flag during which the detector does not flag again (one incident, one anomaly). */
  restPoints: number;
  /**
   * While resting, a point whose deviation (in typical errors, uncapped) is at least this many
   * times the incident's (the largest over the flag and the `shortWindow` points before it) is a
   * new, larger incident and may flag (0: never).
   */
  restBreak: number;
  /**
   * For proportions given with their sample size: a point flags only if it is at least this
   * many sampling standard deviations (arcsine scale) from the recent mean, so sampling noise
   * does not alarm.
   */
  countZ: number;
}

export const ADAPTIVE_DEFAULTS: AdaptiveOptions = {
  warmup: 30,
  direction: 'both',
  minScale: 1e-9,
  relativeMinScale: 0.001,
  periodsMs: [DAY_MS, WEEK_MS],
  periodsBack: 5,
  levelPoints: 1,
  errorMemory: 200,
  errorClip: 4,
  noveltyWindow: 288,
  noveltyMinPoints: 10,
  surpriseCap: 6,
  historyPoints: 10_000,
  likelihood: { ...LIKELIHOOD_DEFAULTS, minStd: 0.1, pointWeight: 0.6, meansAfter: 288 },
  flagAt: 0.15,
  restPoints: 100,
  restBreak: 2,
  countZ: 4,
};

export class AdaptiveDetector implements Detector {
  readonly name = 'adaptive';
  private readonly options: AdaptiveOptions;
  private readonly history: TimeRing;
  private readonly predictors: Predictor[];
  private readonly errors: PredictorError[];
  private readonly gaps = new RollingWindow(9);
  private readonly recentValues: RunningStats;
  private readonly likelihood: AnomalyLikelihood;
  private seen = 0;
  private resting = 0;
  /** Size of the incident that started the rest, in typical errors. */
  private incidentDeviation = 0;
  private readonly recentDeviations: RollingWindow;

  constructor(options: Partial<AdaptiveOptions> = {}) {
    const o = (this.options = { ...ADAPTIVE_DEFAULTS, ...options, likelihood: { ...ADAPTIVE_DEFAULTS.likelihood, ...options.likelihood } });
    this.history = new TimeRing(o.historyPoints);
    this.predictors = [levelPredictor(o.levelPoints), ...o.periodsMs.map((p) => periodPredictor(`${p / 3_600_000}h`, p, o.periodsBack))];
    this.errors = this.predictors.map(() => new PredictorError(1 / o.errorMemory, o.errorClip));
    this.recentValues = new RunningStats(o.noveltyWindow);
    this.likelihood = new AnomalyLikelihood(o.likelihood);
    this.recentDeviations = new RollingWindow(o.likelihood.shortWindow);
  }

  update(ts: number, value: number, sampleSize?: number): AnomalyPoint {
    const stepMs = this.stepMs(ts);
    const forecasts = this.predictors.map((p) => p.predict(this.history, ts, stepMs));
    const best = this.bestForecast(forecasts);
    const expected = best < 0 ? NaN : forecasts[best];
    const sampling = binomialNoise(this.recentValues.length > 0 ? this.recentValues.mean() : value, sampleSize);
    const floor = Math.max(this.floor(Number.isNaN(expected) ? value : expected), sampling.sd);
    // The typical error is a mean of `count` errors: while few, read the deviation as a Student t.
    const z = best < 0 ? 0 : studentAsNormal(directed((value - expected) / Math.max(1.25 * this.errors[best].value, floor), this.options.direction), this.errors[best].count - 1);
    const deviation = Math.max(z, this.novelty(value, sampling.sd));
    const surprise = Math.min(1, deviation / this.options.surpriseCap);
    const likely = this.likelihood.update(surprise);
    forecasts.forEach((f, i) => {
      if (!Number.isNaN(f)) this.errors[i].add(Math.abs(value - f), floor);
    });
    this.history.push(ts, value);
    this.seen++;
    if (this.seen <= this.options.warmup || best < 0) return quietPoint(ts, value, expected, this.name);
    const before = this.recentDeviations.length > 0 ? this.recentDeviations.max() : 0;
    this.recentDeviations.push(deviation);
    if (this.resting > 0 && !this.largerIncident(deviation)) {
      this.resting--;
      return quietPoint(ts, value, expected, this.name);
    }
    const beyondSampling = sampling.n === 0 || directed(samplingZ(value, sampling), this.options.direction) >= this.options.countZ;
    const isAnomaly = likely >= this.options.flagAt && beyondSampling;
    if (isAnomaly) {
      this.resting = this.options.restPoints;
      this.incidentDeviation = Math.max(deviation, before);
    }
    return { ts, value, expected, score: this.scoreOf(isAnomaly || likely < this.options.flagAt ? likely : this.options.flagAt * 0.99), isAnomaly, detector: this.name };
  }

  /**
   * One incident, one flag, unless a much larger one starts during the rest: a jump to twenty
   * times the level after a small rise (NAB exchange-4_cpc: 1.94 after 0.13) is news, and
   * the rest after the small rise used to hide it.
   */
  private largerIncident(deviation: number): boolean {
    return this.options.restBreak > 0 && deviation >= this.options.restBreak * this.incidentDeviation;
  }

  /** The calibrated log-likelihood rescaled so that `flagAt` lands on 0.5, as every detector reports. */
  private scoreOf(likely: number): number {
    const { flagAt } = this.options;
    return likely < flagAt ? (0.5 * likely) / flagAt : 0.5 + (0.5 * (likely - flagAt)) / (1 - flagAt);
  }

  /** Distance (in standard deviations) from the mean of the last `noveltyWindow` points. */
  private novelty(value: number, samplingSd: number): number {
    const w = this.recentValues;
    const mean = w.mean();
    // A handful of points has no meaningful spread yet (3 was tried: a false latency anomaly
    // before the demo's incident): no novelty before `noveltyMinPoints`.
    const scale = Math.max(Math.sqrt(w.variance()), this.floor(mean), samplingSd);
    // A spread of n points predicts the next one as a Student t with n - 1 degrees of freedom.
    const z = w.length < Math.min(this.options.noveltyMinPoints, this.options.noveltyWindow) ? 0 : studentAsNormal(directed((value - mean) / scale, this.options.direction) / Math.sqrt(1 + 1 / w.length), w.length - 1);
    w.push(value);
    return z;
  }

  /** Index of the forecast with the smallest (unclipped) running error among those tried long enough (the level: `warmup` points; a season: `errorMemory`); -1 if none. */
  private bestForecast(forecasts: number[]): number {
    const trials = Math.min(this.options.errorMemory, Math.max(1, this.options.warmup));
    let best = -1;
    for (let i = 0; i < forecasts.length; i++) {
      // A seasonal forecast competes only once tried over a whole error memory: a week's forecast
      // from one past week, chosen on a hundred lucky points, flagged a noiseless daily series.
      const need = i > 0 ? this.options.errorMemory : trials;
      if (Number.isNaN(forecasts[i]) || this.errors[i].count < need) continue;
      if (best < 0 || this.errors[i].unclipped < this.errors[best].unclipped) best = i;
    }
    return best;
  }

  private floor(center: number): number {
    return Math.max(this.options.minScale, this.options.relativeMinScale * Math.abs(center));
  }

  /** Typical spacing of points (median of the last gaps), for finding "one period ago". */
  private stepMs(ts: number): number {
    const last = this.history.latestTs();
    if (!Number.isNaN(last)) this.gaps.push(ts - last);
    return this.gaps.length > 0 ? this.gaps.median() : 0;
  }
}

export interface SamplingNoise {
  /** The recent rate the window is compared with. */
  p: number;
  /** Events the window's proportion was measured on; 0 when unknown. */
  n: number;
  /** Standard deviation of the proportion from sampling alone, in the series' units (0 when n is unknown). */
  sd: number;
}

/**
 * The noise of a proportion measured on `n` events around the recent rate. p is kept half an
 * event away from 0 and 1 for the sd, so a rate that sat at 0 still has some noise.
 */
export function binomialNoise(recentRate: number, n: number | undefined): SamplingNoise {
  if (n === undefined || !(n > 0)) return { p: recentRate, n: 0, sd: 0 };
  const p = Math.min(1 - 0.5 / n, Math.max(0.5 / n, recentRate));
  return { p: recentRate, n, sd: Math.sqrt((p * (1 - p)) / n) };
}

/**
 * How far a proportion is from the recent rate in sampling standard deviations, on Anscombe's
 * arcsine scale: 2 sqrt(n + 1/2) (asin sqrt((k + 3/8) / (n + 3/4)) - asin sqrt(p)) is close to
 * normal even for small p, where the binomial's long upper tail makes a plain z too alarming
 * (12 of 40 at p = 0.1: 3.7 plain, 3.3 here) and an empty window (0 of 40, 1.5% likely) is not
 * an outlier (-2.9 here, -4.1 without the 3/8 correction).
 */
export function samplingZ(value: number, noise: SamplingNoise): number {
  const asinSqrt = (x: number): number => Math.asin(Math.sqrt(Math.min(1, Math.max(0, x))));
  const k = value * noise.n;
  return 2 * Math.sqrt(noise.n + 0.5) * (asinSqrt((k + 3 / 8) / (noise.n + 3 / 4)) - asinSqrt(noise.p));
}
