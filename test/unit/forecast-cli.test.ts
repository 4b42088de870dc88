import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runForecast } from '../../cli/commands/forecast.ts';

const HOUR = 3_600_000;

test('forecast CLI: CSV rows with intervals, and the time to a threshold on a clean trend', () => {
  const rows = Array.from({ length: 100 }, (_, i) => `${new Date(i * HOUR).toISOString()},${10 + 0.5 * i + (i % 2 ? 0.1 : -0.1)}`);
  const run = runForecast(['timestamp,value', ...rows].join('\n'), { horizon: 12, season: 0, damped: false, json: false, threshold: 65, label: 'queue' });
  const lines = run.output.trim().split('\n');
  assert.equal(lines[0], 'timestamp,forecast,lower,upper');
  assert.equal(lines.length, 13);
  const [ts, value, lower, upper] = lines[1].split(',');
  assert.equal(ts, new Date(100 * HOUR).toISOString());
  assert.ok(Number(lower) < Number(value) && Number(value) < Number(upper));
  assert.ok(Math.abs(Number(value) - 60) < 0.5, `next value ${value}, want about 60`);
  assert.ok(run.crossing, 'queue reaches 65 at hour 110: within 12 steps');
  assert.ok(Math.abs(run.crossing.inMs / HOUR - 11) < 1.1, `${run.crossing.text}`);
  assert.equal(run.crossing.text, 'queue reaches 65 in about 11 h');
});

test('forecast CLI: a bad horizon and too few points are errors', () => {
  assert.throws(() => runForecast('1,1\n2,2', { horizon: 0, season: 0, damped: false, json: false }), RangeError);
  assert.throws(() => runForecast('1,1\n2,2', { horizon: 3, season: 0, damped: false, json: false }), /needs at least/);
});
