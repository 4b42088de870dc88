// The analysis tuning a collector config can carry (demos shorten it): forecasts start after
// forecastMinPoints windows, the defaults are unchanged, and nonsense is refused with a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesForecaster } from '../../collector/analysis/forecasts.ts';
import { TUNING_DEFAULTS } from '../../collector/analysis/settings.ts';
import { ConfigError, DEFAULTS, loadConfig } from '../../collector/config.ts';
import { fitHoltWinters } from '../../collector/forecast/fit.ts';
import { assertAll } from '../harness/assert-all.ts';

const STEP = 10_000;
const feed = (f: SeriesForecaster, n: number) => Array.from({ length: n }, (_, i) => f.add(i * STEP, 10 + i + (i % 2) * 0.5));

test('a forecaster with minPoints 4 forecasts from the 4th point with finite intervals', () => {
  const results = feed(new SeriesForecaster({ horizon: 6, history: 100, refitEvery: 6, floorAtZero: true, minPoints: 4 }), 6);
  assert.deepEqual(results.map((r) => r !== null), [false, false, false, true, true, true]);
  const last = results[5]!;
  assert.equal(last.points.length, 6);
  assertAll(last.points, (p) => Number.isFinite(p.lower) && Number.isFinite(p.upper) && p.lower <= p.value && p.value <= p.upper, 'finite bands around the forecast');
});

test('without minPoints a forecaster still waits for 12 points', () => {
  const results = feed(new SeriesForecaster({ horizon: 6, history: 100, refitEvery: 6, floorAtZero: true }), 12);
  assert.equal(results.findIndex((r) => r !== null), 11);
});

test('fitting refuses fewer than 4 minimum points', () => {
  assert.throws(() => fitHoltWinters([1, 2, 3], [1, 2, 3], { minPoints: 3 }), RangeError);
});

test('the config carries the analysis tuning: defaults as before, environment overrides, nonsense refused', () => {
  assert.equal(DEFAULTS.analysis.detectorWarmupWindows, TUNING_DEFAULTS.detectorWarmupWindows);
  assert.equal(DEFAULTS.analysis.forecastMinPoints, 12);
  assert.equal(DEFAULTS.analysis.forecastGranularity, '1m');
  const c = loadConfig({ env: { STARWATCH_ANALYSIS_DETECTOR_WARMUP_WINDOWS: '3', STARWATCH_ANALYSIS_FORECAST_GRANULARITY: '10s', STARWATCH_ANALYSIS_FORECAST_MIN_POINTS: '4' } });
  assert.deepEqual(c.analysis, { ...DEFAULTS.analysis, detectorWarmupWindows: 3, forecastGranularity: '10s', forecastMinPoints: 4 });
  assert.throws(() => loadConfig({ env: { STARWATCH_ANALYSIS_FORECAST_GRANULARITY: '5m' } }), (e) => e instanceof ConfigError && e.code === 'bad_config');
  assert.throws(() => loadConfig({ env: { STARWATCH_ANALYSIS_FORECAST_MIN_POINTS: '2' } }), ConfigError);
  assert.throws(() => loadConfig({ env: { STARWATCH_ANALYSIS_DETECTOR_WARMUP_WINDOWS: '0' } }), ConfigError);
});
