// The forecast's closed-form and boundary checks: input checks and their messages, how many points
// a forecast needs, a clean line and season forecast exactly, the band's exact widening, where a
// crossing falls and how durations read, and the fit's choice on data that decides it. Cheap and
// exact, so mutation testing's fast run (STRYKER_FAST=1) uses them beside forecast-exact; the
// statistical checks (coverage, seeds) stay in forecast-holt-winters.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HoltWinters, NotEnoughDataError } from '../../collector/forecast/holt-winters.ts';
import { fitHoltWinters } from '../../collector/forecast/fit.ts';
import { formatDuration, timeToThreshold } from '../../collector/forecast/time-to-threshold.ts';
import { gaussian, seededRandom } from './detect-synthetic.ts';

const HOUR = 3_600_000;

test('forecast: too little data is a typed error; readable durations', () => {
  const model = new HoltWinters({ alpha: 0.3, beta: 0.05, gamma: 0, phi: 1, period: 0 });
  model.update(0, 1);
  assert.throws(() => model.forecast(3), (e: unknown) => e instanceof NotEnoughDataError && e.code === 'not_enough_data' && e.message === 'forecast needs 10 points first');
  assert.throws(() => fitHoltWinters([0, 1], [1, 2]), NotEnoughDataError);
  assert.equal(formatDuration(30 * HOUR), 'about 30 h');
  assert.equal(formatDuration(45 * 60_000), 'about 45 min');
  assert.equal(formatDuration(96 * HOUR), 'about 4 d');
});

test('forecast: the band widens with the horizon by the ETS variance multipliers, exactly', () => {
  // Fixed parameters (no fitting), so the expected widths are known in closed form:
  // half(h) = z * sigma * sqrt(1 + sum_{j<h} (alpha + beta * j)^2) for an undamped trend.
  const params = { alpha: 0.5, beta: 0.2, gamma: 0, phi: 1, period: 0 };
  const model = new HoltWinters(params);
  const normal = gaussian(seededRandom(5));
  for (let i = 0; i < 40; i++) model.update(i * HOUR, 10 + 0.5 * i + normal());
  const path = model.forecast(6);
  const half1 = (path[0].upper - path[0].lower) / 2;
  assert.ok(half1 > 0, 'the first step has a band');
  let factor = 1;
  for (let h = 1; h <= path.length; h++) {
    const p = path[h - 1];
    const half = (p.upper - p.lower) / 2;
    assert.ok(Math.abs(half / half1 - Math.sqrt(factor)) < 1e-9, `step ${h}: half-width ratio ${half / half1}, want ${Math.sqrt(factor)}`);
    assert.ok(Math.abs(p.upper - p.value - half) < 1e-9, `step ${h}: the band is centred on the point forecast`);
    const c = params.alpha + params.beta * h;
    factor += c * c;
  }
  assert.ok(path[5].upper - path[5].lower > 2 * (path[0].upper - path[0].lower), 'six steps ahead is more than twice as wide');
});

const pathOf = (values: number[], stepMs = 10): import('../../collector/forecast/holt-winters.ts').ForecastPoint[] =>
  values.map((value, i) => ({ step: i + 1, ts: (i + 1) * stepMs, value, lower: value, upper: value }));

test('time to threshold: the crossing is interpolated between the two steps around it', () => {
  const up = timeToThreshold(0, 0, pathOf([2, 6, 9]), 4);
  assert.deepEqual(up, { ts: 15, steps: 1.5, inMs: 15, text: 'value reaches 4 in under a minute' });
  const atStep = timeToThreshold(0, 0, pathOf([4, 6]), 4);
  assert.deepEqual([atStep?.ts, atStep?.steps], [10, 1], 'reaching the threshold exactly is crossing it');
  const down = timeToThreshold(100, 10, pathOf([8, 2], 60_000).map((p) => ({ ...p, ts: p.ts + 100 })), 5, { direction: 'below', label: 'detection', thresholdText: '5%' });
  assert.deepEqual(down, { ts: 100 + 90_000, steps: 1.5, inMs: 90_000, text: 'detection reaches 5% in about 2 min' });
  assert.equal(timeToThreshold(0, 4, pathOf([3, 2]), 5, { direction: 'above' }), null, 'falling away from an upper threshold never crosses it');
});

test('time to threshold: already past says so, in the direction watched', () => {
  assert.deepEqual(timeToThreshold(7, 4, pathOf([1]), 4), { ts: 7, steps: 0, inMs: 0, text: 'value is already above 4' });
  assert.equal(timeToThreshold(7, 6, pathOf([1]), 5, { direction: 'below', label: 'x', thresholdText: 'five' })?.text, 'x reaches five in under a minute');
  assert.equal(timeToThreshold(7, 5, pathOf([9]), 5, { direction: 'below', thresholdText: 'five' })?.text, 'value is already below five');
});

test('durations read at their boundaries', () => {
  assert.equal(formatDuration(59_999), 'under a minute');
  assert.equal(formatDuration(60_000), 'about 1 min');
  assert.equal(formatDuration(89 * 60_000), 'about 89 min');
  assert.equal(formatDuration(90 * 60_000), 'about 2 h');
  assert.equal(formatDuration(71 * HOUR), 'about 71 h');
  assert.equal(formatDuration(72 * HOUR), 'about 3 d');
});

test('Holt-Winters: parameters out of range are refused, each bound at its edge', () => {
  const ok = { alpha: 0.5, beta: 0.1, gamma: 0.5, phi: 0.9, period: 0 };
  const edges = [{ alpha: 1 }, { beta: 0 }, { beta: 0.5 }, { gamma: 0 }, { gamma: 1 }, { phi: 1 }, { period: 2 }, { period: 0 }];
  for (const edge of edges) assert.doesNotThrow(() => new HoltWinters({ ...ok, ...edge }), JSON.stringify(edge));
  // alpha 0 with beta 0 too: beta <= alpha alone would refuse { alpha: 0 } with beta 0.1.
  const bad = [{ alpha: 0 }, { alpha: 0, beta: 0 }, { alpha: 1.01 }, { beta: -0.01 }, { beta: 0.51 }, { gamma: -0.01 }, { gamma: 1.01 }, { phi: 0 }, { phi: 1.01 }, { alpha: NaN }];
  for (const b of bad) assert.throws(() => new HoltWinters({ ...ok, ...b }), /invalid Holt-Winters parameters/, JSON.stringify(b));
  for (const period of [1, -2, 2.5]) assert.throws(() => new HoltWinters({ ...ok, period }), /period must be 0 or an integer >= 2/, String(period));
});

test('Holt-Winters: how many points the first forecast needs', () => {
  const p = { alpha: 0.5, beta: 0.1, gamma: 0.1, phi: 1 };
  assert.equal(new HoltWinters({ ...p, period: 0 }).initPoints, 10);
  assert.equal(new HoltWinters({ ...p, period: 0 }, { minInitPoints: 4 }).initPoints, 4);
  assert.equal(new HoltWinters({ ...p, period: 6 }).initPoints, 12, 'two seasons');
  assert.equal(new HoltWinters({ ...p, period: 6 }, { initPoints: 20 }).initPoints, 20, 'more when asked');
  assert.equal(new HoltWinters({ ...p, period: 6 }, { initPoints: 5 }).initPoints, 12, 'never fewer than two seasons');
  const model = new HoltWinters({ ...p, period: 0 }, { minInitPoints: 4 });
  for (let i = 0; i < 3; i++) model.update(i * 1000, i);
  assert.deepEqual([model.ready, Number.isNaN(model.sigma)], [false, true]);
  model.update(3000, 3);
  assert.equal(model.ready, true);
  assert.deepEqual(model.last, { ts: 3000, value: 3 });
  assert.throws(() => model.update(4000, NaN), /^RangeError: point must be finite numbers, got \(4000, NaN\)$/);
  assert.throws(() => model.update(Infinity, 1), /^RangeError: point must be finite numbers, got \(Infinity, 1\)$/);
});

test('Holt-Winters: a clean line and a clean season are forecast exactly, on the data step', () => {
  const line = new HoltWinters({ alpha: 0.5, beta: 0.1, gamma: 0, phi: 1, period: 0 });
  for (let i = 0; i < 20; i++) line.update(i * 5000, 3 + 2 * i);
  const next = line.forecast(3);
  assert.deepEqual(next.map((p) => [p.step, p.ts]), [[1, 100_000], [2, 105_000], [3, 110_000]]);
  next.forEach((p, i) => assert.ok(Math.abs(p.value - (3 + 2 * (20 + i))) < 1e-9, `step ${p.step}: ${p.value}`));
  assert.ok(line.sigma < 1e-9 && line.sse < 1e-12, 'no error on a perfect line');

  const season = [5, -5, -5, 5]; // no slope of its own, so the first least-squares line is flat
  const seasonal = new HoltWinters({ alpha: 0.3, beta: 0, gamma: 0.2, phi: 1, period: 4 });
  for (let i = 0; i < 16; i++) seasonal.update(i, 100 + season[i % 4]);
  seasonal.forecast(8).forEach((p) => assert.ok(Math.abs(p.value - (100 + season[(15 + p.step) % 4])) < 1e-9, `step ${p.step}: ${p.value}`));

  // A damped trend adds phi + phi^2 + ... of the trend: it levels off.
  const damped = new HoltWinters({ alpha: 0.5, beta: 0.1, gamma: 0, phi: 0.5, period: 0 });
  for (let i = 0; i < 20; i++) damped.update(i, 2 * i);
  const [d1, d2, d3] = damped.forecast(3).map((p) => p.value);
  assert.ok(d3 - d2 < d2 - d1 && d2 - d1 < 2, `damped steps ${d2 - d1}, ${d3 - d2}`);
});

test('fit: refuses bad options and too little data, naming how much it needs', () => {
  const ts = Array.from({ length: 30 }, (_, i) => i);
  assert.throws(() => fitHoltWinters(ts, ts, { minPoints: 3 }), /minPoints must be at least 4, got 3/);
  assert.throws(() => fitHoltWinters(ts, ts.slice(1)), /ts and values differ in length/);
  assert.throws(() => fitHoltWinters(ts.slice(0, 11), ts.slice(0, 11)), /fitting needs at least 12 points, got 11/);
  assert.throws(() => fitHoltWinters(ts.slice(0, 13), ts.slice(0, 13), { period: 6 }), /fitting needs at least 14 points, got 13/);
  assert.doesNotThrow(() => fitHoltWinters(ts.slice(0, 4), ts.slice(0, 4), { minPoints: 4 }));
  assert.doesNotThrow(() => fitHoltWinters(ts.slice(0, 14), ts.slice(0, 14).map((i) => i % 6), { period: 6 }));
});

test('fit: picks the parameters the data calls for', () => {
  // A perfect line: every candidate has zero error, and the first (smoothest) one is kept.
  const line = Array.from({ length: 40 }, (_, i) => 5 + 0.5 * i);
  const ts = line.map((_, i) => i * 1000);
  assert.deepEqual(fitHoltWinters(ts, line).params, { alpha: 0.01, beta: 0, gamma: 0, phi: 1, period: 0 });
  // A random walk needs a fast level; white noise around a constant a slow one.
  const normal = gaussian(seededRandom(3));
  let level = 0;
  const walk = ts.map(() => (level += normal()));
  const noise = ts.map(() => 10 + normal());
  assert.ok(fitHoltWinters(ts, walk).params.alpha >= 0.5, `walk alpha ${fitHoltWinters(ts, walk).params.alpha}`);
  assert.ok(fitHoltWinters(ts, noise).params.alpha <= 0.1, `noise alpha ${fitHoltWinters(ts, noise).params.alpha}`);
  // Undamped unless asked; a season gets its own smoothing.
  const seasonal = ts.map((_, i) => 50 + [5, -5, -5, 5][i % 4] + 0.3 * normal());
  const fitted = fitHoltWinters(ts, seasonal, { period: 4, damped: true });
  assert.equal(fitted.params.period, 4);
  assert.ok(fitted.params.gamma > 0, 'a season is smoothed');
  assert.equal(fitHoltWinters(ts, noise).params.phi, 1);
});
