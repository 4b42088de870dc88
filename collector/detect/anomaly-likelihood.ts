// Calibrates a raw surprise (0..1) against the series' own recent behaviour, in the spirit of
// HTM's anomaly likelihood: how unlikely is the average surprise of the last few points given
// the distribution of surprises over a long window? A series that is always a bit surprising
// (noisy CPU) stops alarming on its usual noise, a very regular one alarms on a small break.
// The result is the log-scaled likelihood HTM reports: 0.5 means a tail probability of 1e-5.
import { normalTail } from './normal-tail.ts';
import { RunningStats } from './running-stats.ts';

export interface LikelihoodOptions {
  /** Recent points whose mean surprise is judged (HTM: 10). */
  shortWindow: number;
  /** Points of history that define "usual" surprise. */
  longWindow: number;
  /** Floor of the usual surprise's standard deviation, so a perfectly regular series is not infinitely touchy. */
  minStd: number;
  /**
   * The latest point's surprise times this also counts as the recent surprise, so a sudden
   * large break flags on its first point instead of after the average catches up (0 = HTM).
   */
  pointWeight: number;
  /**
   * Once this many recent means are in the history, the recent mean is judged against past
   * recent means (as HTM does) instead of past single surprises: a tighter reference, so the
   * tail asked for is squared (the score halved). Infinity: never. Too few means early on make
   * a poor reference, hence the wait.
   */
  meansAfter: number;
}

export const LIKELIHOOD_DEFAULTS: LikelihoodOptions = { shortWindow: 10, longWindow: 2000, minStd: 0.02, pointWeight: 0, meansAfter: Infinity };

/** Log-scale: tail 1e-5 -> 0.5, 1e-10 -> 1 (HTM's computeLogLikelihood). */
export function logScore(tail: number): number {
  return Math.min(1, Math.max(0, Math.log(tail + 1e-10) / Math.log(1e-10)));
}


export class AnomalyLikelihood {
  private readonly options: LikelihoodOptions;
  private readonly recent: RunningStats;
  private readonly history: RunningStats;
  private readonly means: RunningStats;
  private readonly pending: number[] = [];
  private readonly pendingMeans: number[] = [];
  private seen = 0;

  constructor(options: Partial<LikelihoodOptions> = {}) {
    this.options = { ...LIKELIHOOD_DEFAULTS, ...options };
    this.recent = new RunningStats(this.options.shortWindow);
    this.history = new RunningStats(this.options.longWindow);
    this.means = new RunningStats(this.options.longWindow);
  }

  /**
   * Adds one raw surprise and returns the calibrated score (0..1). A surprise joins the history
   * only once it has left the recent window, so an incident is judged against what came
   * before it, not against itself.
   */
  update(surprise: number): number {
    // Early on, half of what was seen is history, so a short warm-up still has a reference.
    this.seen++;
    const held = Math.min(this.options.shortWindow, Math.ceil(this.seen / 2));
    this.pending.push(surprise);
    while (this.pending.length > held) this.history.push(this.pending.shift() as number);
    this.recent.push(surprise);
    this.pendingMeans.push(this.recent.mean());
    while (this.pendingMeans.length > held) this.means.push(this.pendingMeans.shift() as number);
    const recent = Math.max(this.recent.mean(), surprise * this.options.pointWeight);
    if (this.means.length >= this.options.meansAfter) return logScore(normalTail(this.zAgainst(this.means, recent))) / 2;
    if (this.history.length === 0) return 0;
    return logScore(normalTail(this.zAgainst(this.history, recent)));
  }

  private zAgainst(reference: RunningStats, recent: number): number {
    // A spread measured on n points is too small as often as not: the next value's deviation is
    // a Student t with n - 1 degrees of freedom (prediction interval), not a normal.
    const n = reference.length;
    const t = (recent - reference.mean()) / (Math.max(this.options.minStd, Math.sqrt(reference.variance())) * Math.sqrt(1 + 1 / n));
    return studentAsNormal(t, n - 1);
  }
}

/**
 * A Student t with `df` degrees of freedom as the normal deviate of about the same tail
 * (Wallace's approximation; t = 2.447 at df 6 gives 1.959): the small-sample rule. With few
 * points the spread is uncertain, so a deviation counts for less, and yet a huge one still
 * counts (the deviate grows like sqrt(ln t)). df < 1 is taken as 1; sign kept.
 */
export function studentAsNormal(t: number, df: number): number {
  const d = Math.max(1, df);
  const z = ((8 * d + 1) / (8 * d + 3)) * Math.sqrt(d * Math.log1p((t * t) / d));
  return t < 0 ? -z : z;
}
