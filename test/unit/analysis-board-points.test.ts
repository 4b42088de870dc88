// What the boards read from analysis points: a forecast refresh's time to threshold sits only at
// its own time (so an older crossing cannot outlive a newer refresh), and a resolved alert's
// firing point gets its end (so the episode is drawn as a region).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertPoint, alertRegionPoint, forecastPoints } from '../../collector/analysis/points.ts';
import type { SeriesForecast } from '../../collector/analysis/forecasts.ts';
import type { Alert, AlertTransition } from '../../collector/alerts/types.ts';

const forecast = (crossing: SeriesForecast['crossing'], threshold?: number): SeriesForecast => ({
  series: 'fpr',
  granularity: '1m',
  model_version: '*',
  lastTs: 60_000,
  lastValue: 0.0004,
  points: [1, 2].map((i) => ({ step: i, ts: 60_000 * (1 + i), value: 0.0004 + i * 1e-4, lower: 0.0003, upper: 0.0009 })),
  crossing,
  ...(threshold === undefined ? {} : { threshold }),
});

test('a forecast refresh writes tt_threshold_s only at its own time, crosses always beside a threshold', () => {
  const crossing = { ts: 120_000, inMs: 60_000, text: 'FPR reaches 0.05% in about 1 min' } as SeriesForecast['crossing'];
  const [origin, ...path] = forecastPoints(forecast(crossing, 0.0005));
  assert.equal(origin.timestampNs, '60000000000');
  assert.equal(origin.fields.tt_threshold_s, 60);
  assert.equal(origin.fields.crosses, true);
  assert.equal(origin.fields.horizon_s, 0);
  assert.equal(path.length, 2);
  assert.ok(path.every((p) => !('tt_threshold_s' in p.fields) && !('crosses' in p.fields)));
  assert.deepEqual(path.map((p) => p.fields.horizon_s), [60, 120]);

  const [none] = forecastPoints(forecast(null, 0.0005));
  assert.equal(none.fields.crosses, false);
  assert.equal('tt_threshold_s' in none.fields, false);
  const [noThreshold] = forecastPoints(forecast(null));
  assert.equal('crosses' in noThreshold.fields, false);
});

test('a resolved alert extends its firing point with ends_ms; other transitions do not', () => {
  const alert = { id: 'x1', ruleId: 'fpr_above_target', key: 'overall', severity: 'critical', state: 'resolved', summary: 'FPR 0.08% > 0.05%', value: 0.0008, threshold: 0.0005, firedAt: 10_000, resolvedAt: 70_000, lastEvaluatedAt: 70_000 } as Alert;
  const region = alertRegionPoint({ kind: 'resolved', alert } as AlertTransition);
  assert.ok(region);
  assert.equal(region.tags.state, 'firing');
  assert.equal(region.timestampNs, '10000000000');
  assert.equal(region.fields.ends_ms, 70_000);
  assert.equal(alertRegionPoint({ kind: 'firing', alert: { ...alert, state: 'firing', resolvedAt: null } } as AlertTransition), null);
  assert.equal(alertRegionPoint({ kind: 'cancelled', alert: { ...alert, firedAt: null } } as AlertTransition), null);
});

const ranking = [{ dim: 'format', value: 'webp', basis: 'traffic_mix', succinct: false, explained: 0.8, surprise: 0.3, culprits: [] }];

test('a firing alert point carries its root cause as annotation text and as JSON; resolved and pending points do not', () => {
  const alert = { id: 'x2', ruleId: 'latency_p95_above_target', key: 'overall', severity: 'critical', state: 'firing', summary: 'p95 180 ms > 120 ms', value: 180, threshold: 120, firedAt: 10_000, resolvedAt: null, lastEvaluatedAt: 10_000 } as Alert;
  const firing = alertPoint({ kind: 'firing', alert } as AlertTransition, 10_000, ranking);
  assert.equal(firing.fields.text, 'p95 180 ms > 120 ms; root cause: format=webp (explains 80%)');
  assert.deepEqual(JSON.parse(String(firing.fields.root_cause)), ranking);
  // No ranking (a rule without a series): the text is the message alone, no root_cause field.
  const bare = alertPoint({ kind: 'firing', alert } as AlertTransition, 10_000, null);
  assert.equal(bare.fields.text, 'p95 180 ms > 120 ms');
  assert.equal('root_cause' in bare.fields, false);
  const resolved = alertPoint({ kind: 'resolved', alert: { ...alert, state: 'resolved', resolvedAt: 70_000 } } as AlertTransition, 70_000, ranking);
  assert.equal('text' in resolved.fields || 'root_cause' in resolved.fields, false);
});

test('the region point repeats the root cause it fired with; without one it leaves the firing text alone', () => {
  const alert = { id: 'x3', ruleId: 'latency_p95_above_target', key: 'overall', severity: 'critical', state: 'resolved', summary: 'p95 130 ms > 120 ms', value: 130, threshold: 120, firedAt: 10_000, resolvedAt: 70_000, lastEvaluatedAt: 70_000 } as Alert;
  const region = alertRegionPoint({ kind: 'resolved', alert } as AlertTransition, ranking);
  assert.ok(region);
  assert.match(String(region.fields.text), /root cause: format=webp/);
  assert.equal(region.fields.ends_ms, 70_000);
  const unknown = alertRegionPoint({ kind: 'resolved', alert } as AlertTransition, null);
  assert.ok(unknown);
  assert.equal('text' in unknown.fields, false, 'a region without a known cause must not overwrite the firing text');
});
