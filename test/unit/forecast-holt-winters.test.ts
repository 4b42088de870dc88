// The forecast's statistical checks: on noisy series with known truth, time-to-threshold within
// 10%, 95% bands covering 91-99% of what follows, a daily season forecast with its peak. The exact
// and boundary checks are in forecast-checks-exact.test.ts and forecast-exact.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitHoltWinters } from '../../collector/forecast/fit.ts';
import { timeToThreshold } from '../../collector/forecast/time-to-threshold.ts';
import { gaussian, seededRandom } from './detect-synthetic.ts';

const HOUR = 3_600_000;

/** Hourly FPR creeping up 1e-6 per hour from 2e-4, noise sigma 5e-6: it reaches 5e-4 at hour 300. */
function fprSeries(n: number, seed: number): { ts: number[]; values: number[] } {
  const normal = gaussian(seededRandom(seed));
  const ts = Array.from({ length: n }, (_, i) => i * HOUR);
  return { ts, values: ts.map((_, i) => 2e-4 + 1e-6 * i + 5e-6 * normal()) };
}

test('forecast: time-to-threshold on a known trend is within 10% of the truth (10 seeds)', (t) => {
  for (let seed = 1; seed <= 10; seed++) {
    const { ts, values } = fprSeries(240, seed); // last point at hour 239: truth is 61 h away
    const model = fitHoltWinters(ts, values);
    const { ts: lastTs } = model.last;
    const crossing = timeToThreshold(lastTs, model.last.value, model.forecast(200), 5e-4, { label: 'FPR', thresholdText: '0.05%' });
    assert.ok(crossing, `seed ${seed}: no crossing found within 200 h`);
    const truth = 300 * HOUR - lastTs;
    const error = Math.abs(crossing.ts - 300 * HOUR) / truth;
    t.diagnostic(`seed ${seed}: "${crossing.text}", truth 61 h, error ${(error * 100).toFixed(1)}%`);
    assert.ok(error < 0.1, `seed ${seed}: crossing ${(crossing.inMs / HOUR).toFixed(1)} h vs truth 61 h (${(error * 100).toFixed(1)}% off)`);
    assert.match(crossing.text, /^FPR reaches 0\.05% in about \d+ h$/);
  }
});

test('forecast: no crossing within the horizon gives null; already past gives 0', () => {
  const { ts, values } = fprSeries(100, 3); // truth: hour 300, 200 h away
  const model = fitHoltWinters(ts, values);
  assert.equal(timeToThreshold(model.last.ts, model.last.value, model.forecast(24), 5e-4), null);
  assert.equal(timeToThreshold(0, 6e-4, model.forecast(24), 5e-4)?.inMs, 0);
});

test('forecast: 95% intervals cover 91-99% of future points, 1..24 steps ahead, rolling origin', (t) => {
  const normal = gaussian(seededRandom(99));
  const n = 1200;
  const values = Array.from({ length: n }, (_, i) => 50 + 0.02 * i + 2 * normal());
  const ts = values.map((_, i) => i * HOUR);
  const model = fitHoltWinters(ts.slice(0, 200), values.slice(0, 200));
  const { coverage, total } = rollingCoverage(model, ts, values, 200, n - 24, 4);
  t.diagnostic(`trend series: 95% interval coverage ${(coverage * 100).toFixed(1)}% over ${total} forecasts`);
  assert.ok(coverage > 0.91 && coverage < 0.99, `coverage ${(coverage * 100).toFixed(1)}%`);
});

test('forecast: daily season is forecast with its peak, intervals cover 91-99%, and widen with horizon', (t) => {
  const normal = gaussian(seededRandom(7));
  const period = 24;
  const values = Array.from({ length: 24 * 30 }, (_, i) => 100 + 30 * Math.sin((2 * Math.PI * i) / period) + 3 * normal());
  const ts = values.map((_, i) => i * HOUR);
  const train = 24 * 14;
  const model = fitHoltWinters(ts.slice(0, train), values.slice(0, train), { period, damped: true });
  const path = model.forecast(24);
  const truth = (i: number): number => 100 + 30 * Math.sin((2 * Math.PI * i) / period);
  const meanError = path.reduce((s, p) => s + Math.abs(p.value - truth(train - 1 + p.step)), 0) / path.length;
  assert.ok(meanError < 2, `forecast is ${meanError.toFixed(2)} off the true daily curve on average (noise sigma 3)`);
  assert.ok(path[23].upper - path[23].lower >= path[0].upper - path[0].lower, 'band widens with horizon');
  const { coverage, total } = rollingCoverage(model, ts, values, train, values.length - 24, 3);
  t.diagnostic(`seasonal series: 95% interval coverage ${(coverage * 100).toFixed(1)}% over ${total} forecasts`);
  assert.ok(coverage > 0.91 && coverage < 0.99, `coverage ${(coverage * 100).toFixed(1)}%`);
});

/**
 * Rolling-origin check: from each origin in [from, to) (every `every`-th), forecast 24 steps and
 * count how many later values fall inside the 95% band; the model is updated as it goes.
 */
function rollingCoverage(model: ReturnType<typeof fitHoltWinters>, ts: number[], values: number[], from: number, to: number, every: number) {
  let inside = 0;
  let total = 0;
  for (let origin = from; origin < to; origin++) {
    if (origin % every === 0) {
      for (const p of model.forecast(24)) {
        const actual = values[origin - 1 + p.step];
        if (actual >= p.lower && actual <= p.upper) inside++;
        total++;
      }
    }
    model.update(ts[origin], values[origin]);
  }
  return { coverage: inside / total, total };
}

