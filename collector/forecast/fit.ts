// Picks Holt-Winters parameters by a small grid search on one-step squared error. The grid is
// coarse on purpose: a few hundred passes over a few thousand points takes milliseconds, and
// the collector can refit now and then (say hourly) while the state updates point by point.
import { HoltWinters, NotEnoughDataError, type HoltWintersParams } from './holt-winters.ts';

export interface FitOptions {
  /** Points per season; 0 for none. */
  period: number;
  /** Try damped trends (phi < 1) too. */
  damped: boolean;
  /**
   * Also judge parameters by their error this many steps ahead (0: one-step only). One-step
   * error alone picks a jumpy trend; a long-range score keeps time-to-threshold steady.
   */
  scoreHorizon: number;
  /** Points needed without a season (default 12, at least 4): the first line is fitted on all but the last two. */
  minPoints: number;
}

const ALPHAS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8];
const BETAS = [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.03, 0.1];
const GAMMAS = [0.02, 0.05, 0.1, 0.2, 0.4];
const PHIS = [0.9, 0.95, 0.98, 1];

export function fitHoltWinters(ts: readonly number[], values: readonly number[], options: Partial<FitOptions> = {}): HoltWinters {
  const { period = 0, damped = false, scoreHorizon = 24, minPoints = 12 } = options;
  if (!(minPoints >= 4)) throw new RangeError(`minPoints must be at least 4, got ${minPoints}`);
  if (ts.length !== values.length) throw new RangeError('ts and values differ in length');
  const needed = period > 0 ? 2 * period + 2 : minPoints;
  if (values.length < needed) throw new NotEnoughDataError(`fitting needs at least ${needed} points, got ${values.length}`);
  const horizon = Math.min(scoreHorizon, Math.floor(values.length / 4));
  // With the whole history at hand, the first line is fitted on its first half (whole seasons).
  const half = Math.floor(values.length / 2);
  const initPoints = period > 0 ? Math.max(2 * period, half - (half % period)) : Math.max(minPoints - 2, half);
  let best: HoltWinters | null = null;
  let bestCost = Infinity;
  for (const params of grid(period, damped)) {
    const model = new HoltWinters(params, { scoreHorizon: horizon, initPoints, minInitPoints: minPoints - 2 });
    for (let i = 0; i < values.length; i++) model.update(ts[i], values[i]);
    const cost = model.sse / Math.max(1, values.length) + (model.aheadCount > 0 ? model.sseAhead / model.aheadCount : 0);
    if (cost < bestCost) {
      best = model;
      bestCost = cost;
    }
  }
  return best as HoltWinters;
}

function* grid(period: number, damped: boolean): Generator<HoltWintersParams> {
  for (const alpha of ALPHAS)
    for (const beta of BETAS.filter((b) => b <= alpha))
      for (const gamma of period > 0 ? GAMMAS : [0])
        for (const phi of damped ? PHIS : [1]) yield { alpha, beta, gamma, phi, period };
}
