// Exact checks of the Holt-Winters state and of the fit, on series built so every number is known
// in closed form. The statistical tests (forecast-holt-winters.test.ts) say the forecasts are good;
// these say each equation is the one written down (mutation testing found the first kind blind to
// a wrong variance weight, step or score that only shifts results a little).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HoltWinters, Z95, type HoltWintersParams } from '../../collector/forecast/holt-winters.ts';
import { fitHoltWinters } from '../../collector/forecast/fit.ts';
import { gaussian, seededRandom } from './detect-synthetic.ts';

const close = (actual: number, expected: number, what: string, tolerance = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual}, want ${expected}`);

/**
 * alpha = 1, beta = 0 on a flat start: the level is the last value and the trend stays 0, so each
 * one-step error is exactly the difference between two neighbouring values. `errors` are those
 * differences, after four flat points that fit the first line (and add four errors of 0).
 */
function walkModel(errors: readonly number[], options: { errorMemory?: number; stepMs?: number } = {}): { model: HoltWinters; values: number[] } {
  const model = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 4, errorMemory: options.errorMemory });
  const values = [10, 10, 10, 10];
  for (const e of errors) values.push(values[values.length - 1] + e);
  values.forEach((v, i) => model.update(i * (options.stepMs ?? 1000), v));
  return { model, values };
}

test('Holt-Winters: sigma is the root mean square of the one-step errors, sse their sum', () => {
  const { model } = walkModel([3, -1, 2]);
  // Seven errors: four zeros from the flat start, then 3, -1, 2.
  close(model.sigma, Math.sqrt((9 + 1 + 4) / 7), 'sigma');
  close(model.sse, 14, 'sse');
  const band = model.forecast(1)[0];
  close(band.value, 14, 'the level is the last value');
  close(band.upper - band.value, Z95 * model.sigma, 'the first step is z sigma wide');
  close(band.value - band.lower, Z95 * model.sigma, 'on both sides');
});

test('Holt-Winters: once settled, one error counts at most as 5 sigma', () => {
  // 4 zeros and 20 errors of +-1: 24 errors, mean square 20/24. The next one, 100, is capped at
  // 25 times that (the cap starts after 20 errors).
  const ones = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : -1));
  const { model } = walkModel([...ones, 100]);
  const before = 20 / 24;
  close(model.sigma ** 2, before + (25 * before - before) / 25, 'sigma^2 after the capped outlier');
  close(model.sse, 20 + 100 * 100, 'sse is not capped');
  // Not yet settled (fewer than 21 errors): the outlier counts in full.
  const early = walkModel([1, -1, 100]).model;
  close(early.sigma ** 2, (1 + 1 + 10_000) / 7, 'sigma^2 of an early outlier');
});

test('Holt-Winters: after 1/errorMemory errors the variance forgets at errorMemory per point', () => {
  // errorMemory 0.25: the first four errors (zeros) are a plain mean, from the 5th on each error
  // moves the variance a quarter of the way (1/5 < 0.25).
  const { model } = walkModel([2, 2], { errorMemory: 0.25 });
  let v = 0;
  for (const e of [2, 2]) v += 0.25 * (e * e - v);
  close(model.sigma ** 2, v, 'sigma^2 with errorMemory 0.25');
  // The default memory is 0.01: 100 errors of 1, then one of 3 (5 sigma cap is 25, not reached).
  const many = walkModel(Array.from({ length: 96 }, (_, i): number => (i % 2 === 0 ? 1 : -1)).concat([3])).model;
  // 4 zeros + 96 ones: mean 0.96 after 100 errors; the 101st has weight max(1/101, 0.01) = 0.01.
  const mean100 = 96 / 100;
  close(many.sigma ** 2, mean100 + 0.01 * (9 - mean100), 'sigma^2 with the default memory');
});

test('Holt-Winters: the step is the median gap of the first points, then follows the data by 5%', () => {
  const model = new HoltWinters({ alpha: 0.5, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 5 });
  const tsOf = (h: number): number[] => model.forecast(h).map((p) => p.ts);
  // Gaps 10, 10, 10, 30: the median 10 (the mean would be 15); the replay of the last gap then
  // moves it 5% of the way to 30: 11.
  [0, 10, 20, 30, 60].forEach((ts) => model.update(ts, 1));
  tsOf(2).forEach((ts, i) => close(ts, 60 + 11 * (i + 1), `step ${i + 1} after the first points`));
  model.update(80, 1); // a gap of 20: 11 + 0.05 * 9 = 11.45
  tsOf(2).forEach((ts, i) => close(ts, 80 + 11.45 * (i + 1), `step ${i + 1} after a gap of 20`));
  model.update(80, 1); // a repeated timestamp leaves the step alone
  close(tsOf(1)[0], 91.45, 'after a repeated timestamp');
  model.update(70, 1); // so does one out of order; the forecast starts after the latest point
  close(tsOf(1)[0], 81.45, 'after a point out of order');
  assert.deepEqual(model.last, { ts: 70, value: 1 });

  const sameTime = new HoltWinters({ alpha: 0.5, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 4 });
  [5, 5, 5, 5].forEach((ts, i) => sameTime.update(ts, i));
  assert.deepEqual(sameTime.forecast(2).map((p) => p.ts), [6, 7], 'no gap at all: a step of 1');
});

test('Holt-Winters: the first line is the least-squares line of the first points', () => {
  // Values 0, 2, 3, 7: slope 2.2, intercept -0.3. alpha = 1, beta = 0 keeps the slope as the
  // trend and makes the level the last value, so the forecast is 7 + 2.2 h.
  const model = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 4 });
  [0, 2, 3, 7].forEach((v, i) => model.update(i, v));
  model.forecast(3).forEach((p) => close(p.value, 7 + 2.2 * p.step, `step ${p.step}`));
  // Replayed from "just before point 0" (-0.3 - 2.2 = -2.5): predictions -0.3, 2.2, 4.2, 5.2.
  close(model.sse, 0.3 ** 2 + 0.2 ** 2 + 1.2 ** 2 + 1.8 ** 2, 'sse of the replay');
  // A single first point is a flat line, on a step of 1 (there is no gap to take it from).
  const one = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 1 });
  one.update(7, 4);
  assert.deepEqual(one.forecast(2).map((p) => [p.ts, p.value]), [[8, 4], [9, 4]]);
  assert.equal(one.sse, 0);
});

test('Holt-Winters: the season starts as the mean offset of each slot from the first line', () => {
  // A line 2i plus a season (3, -1, -2) and one bump: slot 0 offsets differ between the seasons.
  const values = [0, 2, 4, 6, 8, 10, 12, 14, 16].map((v, i) => v + [3, -1, -2][i % 3] + (i === 3 ? 1.5 : 0));
  // gamma = 0 and alpha = beta small: the season never moves, so the forecast shows it exactly.
  const model = new HoltWinters({ alpha: 0.001, beta: 0, gamma: 0, phi: 1, period: 3 }, { initPoints: 9 });
  values.forEach((v, i) => model.update(i, v));
  // Least squares over the 9 points, as the textbook has it.
  const n = 9;
  const xMean = 4;
  const yMean = values.reduce((s, v) => s + v, 0) / n;
  const slope = values.reduce((s, v, i) => s + (i - xMean) * (v - yMean), 0) / 60;
  const intercept = yMean - slope * xMean;
  const offsets = [0, 1, 2].map((slot) => {
    const mine = values.map((v, i) => ({ v, i })).filter(({ i }) => i % 3 === slot);
    return mine.reduce((s, { v, i }) => s + v - (intercept + slope * i), 0) / mine.length;
  });
  const path = model.forecast(6);
  // Steps 1..6 fall on slots 0, 1, 2, 0, 1, 2 (point 8 was slot 2); level and trend near the line.
  const diffs = path.map((p) => p.value - path[0].value - slope * (p.step - 1));
  for (let h = 0; h < 6; h++) close(diffs[h], offsets[h % 3] - offsets[0], `season at step ${h + 1}`, 0.01);
});

/** Hyndman et al. (2008), class 1: var(h) = sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha + beta phi_j + gamma [j % m == 0]. */
function varianceFactors(p: HoltWintersParams, horizon: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    let factor = 1;
    for (let j = 1; j < h; j++) {
      let phiJ = 0;
      for (let k = 1; k <= j; k++) phiJ += p.phi ** k;
      const c = p.alpha + p.beta * phiJ + (p.period > 0 && j % p.period === 0 ? p.gamma : 0);
      factor += c * c;
    }
    out.push(factor);
  }
  return out;
}

test('Holt-Winters: the band of a damped seasonal model widens by its own variance multipliers', () => {
  const params = { alpha: 0.4, beta: 0.2, gamma: 0.3, phi: 0.8, period: 3 };
  const model = new HoltWinters(params);
  const normal = gaussian(seededRandom(11));
  for (let i = 0; i < 30; i++) model.update(i, 20 + 0.3 * i + [4, 0, -4][i % 3] + normal());
  const path = model.forecast(7);
  const half1 = path[0].upper - path[0].value;
  close(half1, Z95 * model.sigma, 'step 1 is z sigma');
  const factors = varianceFactors(params, 7);
  path.forEach((p, i) => close(p.upper - p.value, half1 * Math.sqrt(factors[i]), `half-width at step ${p.step}`));
  path.forEach((p) => close(p.value - p.lower, p.upper - p.value, `centred at step ${p.step}`));
  // A wider z widens every step in proportion.
  const wide = model.forecast(3, 3);
  close(wide[2].upper - wide[2].value, (3 / Z95) * (path[2].upper - path[2].value), 'z = 3');
});

test('Holt-Winters: a damped trend adds phi + phi^2 + ... of the trend', () => {
  // alpha = 1, beta = 0 on a line of slope 2: the level is the last value, the trend the slope
  // shrunk by phi at each of the 40 points.
  const phi = 0.9;
  const model = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi, period: 0 }, { minInitPoints: 4 });
  for (let i = 0; i < 40; i++) model.update(i, 2 * i);
  // After init the trend is the slope (2), then times phi at each of the 40 replayed/later points.
  const trend = 2 * phi ** 40;
  let phiSum = 0;
  model.forecast(5).forEach((p) => {
    phiSum += phi ** p.step;
    close(p.value, 78 + phiSum * trend, `step ${p.step}`);
  });
});

test('Holt-Winters: the ahead score compares each value with the forecast made h points before', () => {
  // alpha = 1, beta = 0 on a flat start: the forecast made at point t for t + h is value t.
  const model = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 4, scoreHorizon: 2 });
  const values = [10, 10, 10, 10, 13, 12, 14, 11];
  values.forEach((v, i) => model.update(i, v));
  let expected = 0;
  for (let t = 2; t < values.length; t++) expected += (values[t] - values[t - 2]) ** 2;
  close(model.sseAhead, expected, 'sseAhead');
  assert.equal(model.aheadCount, values.length - 2);
  const none = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 4 });
  values.forEach((v, i) => none.update(i, v));
  assert.deepEqual([none.sseAhead, none.aheadCount], [0, 0], 'no ahead score unless asked');
});

test('Holt-Winters: the ahead forecast carries the damped trend and the season', () => {
  // A damped line (alpha = 1, beta = 0): the forecast at t for t + 3 is v_t + (phi + phi^2 + phi^3) trend_t.
  const phi = 0.5;
  const model = new HoltWinters({ alpha: 1, beta: 0, gamma: 0, phi, period: 0 }, { minInitPoints: 4, scoreHorizon: 3 });
  const values = Array.from({ length: 12 }, (_, i) => 3 * i);
  values.forEach((v, i) => model.update(i, v));
  const sum3 = phi + phi ** 2 + phi ** 3;
  let expected = 0;
  for (let t = 0; t + 3 < values.length; t++) {
    const trendT = 3 * phi ** (t + 1); // the slope, times phi at each of points 0..t
    expected += (values[t + 3] - (values[t] + sum3 * trendT)) ** 2;
  }
  close(model.sseAhead, expected, 'sseAhead of the damped line');
  assert.equal(model.aheadCount, 9);

  // A perfect season with gamma = 0: the ahead forecast uses the slot of t + h, and never misses.
  const season = [5, -5, -5, 5]; // adds no slope to the first line
  const seasonal = new HoltWinters({ alpha: 0.5, beta: 0, gamma: 0, phi: 1, period: 4 }, { scoreHorizon: 3 });
  for (let i = 0; i < 16; i++) seasonal.update(i, 50 + season[i % 4]);
  close(seasonal.sseAhead, 0, 'no ahead error on a perfect season');
  assert.equal(seasonal.aheadCount, 13);
});

test('fit: the score horizon is at most a quarter of the data, and the first line half of it', () => {
  const line = (n: number): number[] => Array.from({ length: n }, (_, i) => 1 + 0.5 * i);
  const ts = (n: number): number[] => Array.from({ length: n }, (_, i) => i * 1000);
  // Every point but the first `horizon` gets an ahead score.
  assert.equal(fitHoltWinters(ts(40), line(40)).aheadCount, 40 - 10, '40 points: horizon 10');
  assert.equal(fitHoltWinters(ts(200), line(200)).aheadCount, 200 - 24, '200 points: the default 24');
  assert.equal(fitHoltWinters(ts(40), line(40), { scoreHorizon: 5 }).aheadCount, 40 - 5);
  const oneStep = fitHoltWinters(ts(40), line(40).map((v, i) => v + (i % 3)), { scoreHorizon: 0 });
  assert.equal(oneStep.aheadCount, 0, 'scoreHorizon 0: one-step error only');
  // The first line: half the data without a season (at least minPoints - 2), whole seasons with one.
  assert.equal(fitHoltWinters(ts(40), line(40)).initPoints, 20);
  assert.equal(fitHoltWinters(ts(12), line(12)).initPoints, 10);
  assert.equal(fitHoltWinters(ts(14), line(14), { minPoints: 14 }).initPoints, 12);
  assert.equal(fitHoltWinters(ts(46), line(46), { period: 4 }).initPoints, 20, '23 rounded down to whole seasons');
  assert.equal(fitHoltWinters(ts(14), line(14), { period: 6 }).initPoints, 12, 'never fewer than two seasons');
  assert.equal(fitHoltWinters(ts(14), line(14), { period: 6 }).params.period, 6);
});

/** The fit's grid, as its comment states it: beta <= alpha, gamma only with a season, phi only when damped. */
function grid(period: number, damped: boolean): HoltWintersParams[] {
  const out: HoltWintersParams[] = [];
  for (const alpha of [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8])
    for (const beta of [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.03, 0.1].filter((b) => b <= alpha))
      for (const gamma of period > 0 ? [0.02, 0.05, 0.1, 0.2, 0.4] : [0])
        for (const phi of damped ? [0.9, 0.95, 0.98, 1] : [1]) out.push({ alpha, beta, gamma, phi, period });
  return out;
}

/** What the fit minimises: mean squared one-step error plus mean squared ahead error. */
function cost(params: HoltWintersParams, ts: number[], values: number[], horizon: number, initPoints: number): number {
  const model = new HoltWinters(params, { scoreHorizon: horizon, initPoints, minInitPoints: 10 });
  values.forEach((v, i) => model.update(ts[i], v));
  return model.sse / values.length + (model.aheadCount > 0 ? model.sseAhead / model.aheadCount : 0);
}

test('fit: the winner has the least one-step plus ahead error over the whole grid', () => {
  const normal = gaussian(seededRandom(21));
  const n = 48;
  const ts = Array.from({ length: n }, (_, i) => i * 1000);
  for (const { period, damped, make } of [
    { period: 0, damped: false, make: (i: number) => 5 + 0.05 * i + normal() },
    { period: 0, damped: true, make: (i: number) => 5 + 3 * Math.log(1 + i) + 0.3 * normal() },
    { period: 4, damped: false, make: (i: number) => 5 + [2, 0, -2, 0][i % 4] + 0.5 * normal() },
  ]) {
    const values = ts.map((_, i) => make(i));
    const fitted = fitHoltWinters(ts, values, { period, damped });
    // 48 points: horizon 12, the first line on 24 (whole seasons of 4 too).
    const costs = grid(period, damped).map((p) => ({ p, c: cost(p, ts, values, 12, 24) }));
    const least = costs.reduce((a, b) => (b.c < a.c ? b : a));
    assert.deepEqual(fitted.params, least.p, `period ${period}, damped ${damped}`);
    // The winner is strictly best here, so the choice is decided by the cost alone.
    assert.equal(costs.filter(({ c }) => c === least.c).length, 1);
    close(fitted.sse / n + fitted.sseAhead / fitted.aheadCount, least.c, 'its cost');
  }
});

test('Holt-Winters: one error moves level, trend and season by alpha, beta and gamma of it', () => {
  const trended = new HoltWinters({ alpha: 0.5, beta: 0.25, gamma: 0, phi: 1, period: 0 }, { minInitPoints: 4 });
  [10, 10, 10, 10, 14].forEach((v, i) => trended.update(i, v)); // error 4: level 12, trend 1
  assert.deepEqual(trended.forecast(2).map((p) => p.value), [13, 14]);
  const seasonal = new HoltWinters({ alpha: 0.5, beta: 0, gamma: 0.5, phi: 1, period: 2 });
  [10, 10, 10, 10, 14].forEach((v, i) => seasonal.update(i, v)); // error 4 in slot 0: level 12, season[0] 2
  assert.deepEqual(seasonal.forecast(2).map((p) => p.value), [12, 14]);
});

test('Holt-Winters: the 5 sigma cap starts with the 21st error, not the 20th', () => {
  // 4 zeros and 15 errors of +-1, then 100 as the 20th error: not yet settled, it counts in full.
  const ones = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
  const twentieth = walkModel([...ones(15), 100]).model;
  close(twentieth.sigma ** 2, (15 + 10_000) / 20, 'sigma^2 with the outlier as the 20th error');
  // One more error before it: the 21st is capped at 25 times the mean square of the first 20.
  const twentyFirst = walkModel([...ones(16), 100]).model;
  const before = 16 / 20;
  close(twentyFirst.sigma ** 2, before + (25 * before - before) / 21, 'sigma^2 with the outlier as the 21st error');
});

test('fit: the grid reaches beta = alpha, and tries damped trends only when asked', () => {
  const normal = gaussian(seededRandom(5));
  const n = 48;
  const ts = Array.from({ length: n }, (_, i) => i * 1000);
  // An accelerating series wants the fastest trend the grid allows for its level: beta = alpha.
  const cubic = ts.map((_, i) => 0.001 * i ** 3 + normal());
  assert.deepEqual(fitHoltWinters(ts, cubic).params, { alpha: 0.1, beta: 0.1, gamma: 0, phi: 1, period: 0 });
  // A levelling curve: damped when asked, undamped (phi 1) by default.
  const levelling = ts.map((_, i) => 5 + 3 * Math.log(1 + i) + 0.3 * normal());
  assert.ok(fitHoltWinters(ts, levelling, { damped: true }).params.phi < 1, 'damped when asked');
  assert.equal(fitHoltWinters(ts, levelling).params.phi, 1, 'undamped by default');
});
