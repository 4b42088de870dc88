// A board's queries at its defaults, as `starwatch doctor` runs them: Grafana's relative times,
// constants, custom and multi variables, and a single query variable resolved from what its query
// offers (saved value if offered, else the first that passes its regex).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { boardDefaults, fillQuery, influxTime, type RunInfluxQL } from '../../grafana/default-variables.ts';
import { renderDashboards } from '../../grafana/build.ts';

test('relative times become InfluxQL times; anything else is refused', () => {
  assert.equal(influxTime('now-6h'), 'now() - 6h');
  assert.equal(influxTime('now+2h'), 'now() + 2h');
  assert.equal(influxTime('now'), 'now()');
  assert.throws(() => influxTime('2026-11-30T00:00:00Z'), /unsupported time/);
});

test('defaults of the Models board: constants, the custom window, All for multi, a resolved single variable', async () => {
  const board = JSON.parse(renderDashboards().get('models.json')!) as dashboard.Dashboard;
  const asked: string[] = [];
  // What a database offers for each SHOW TAG VALUES: the saved anomaly window (10s) is not among
  // them, so the first offered one is taken.
  const run: RunInfluxQL = async (q) => {
    asked.push(q);
    return [{ columns: ['key', 'value'], values: [['granularity', '1m'], ['granularity', '5m']] }];
  };
  const d = await boardDefaults(board, run);
  assert.equal(d.values.get('rp_windows'), 'windows');
  assert.equal(d.values.get('granularity'), '10s');
  assert.equal(d.values.get('model_version'), '.*');
  assert.equal(d.values.get('run'), '.*');
  assert.equal(d.values.get('anomaly_granularity'), '1m');
  assert.deepEqual(asked, ['SHOW TAG VALUES FROM "anomaly" WITH KEY = "granularity"']);
  assert.equal(d.timeFilter, 'time >= now() - 6h AND time <= now()');
  // 6 h over ~500 points, in whole 10 s steps.
  assert.equal(d.intervalMs, 50_000);
  const q = fillQuery('SELECT sum("count") FROM "$rp_windows"."window" WHERE "granularity" = \'$granularity\' AND "run" =~ /^$run$/ AND $timeFilter GROUP BY time($__interval)', d);
  assert.equal(q, 'SELECT sum("count") FROM "windows"."window" WHERE "granularity" = \'10s\' AND "run" =~ /^.*$/ AND time >= now() - 6h AND time <= now() GROUP BY time(50s)');
});

test('a single query variable keeps its saved value when offered, and nothing is left unfilled', async () => {
  const board = JSON.parse(renderDashboards().get('overview.json')!) as dashboard.Dashboard;
  const run: RunInfluxQL = async (q) => [{ columns: ['key', 'value'], values: q.includes('"granularity"') ? [['granularity', '1m'], ['granularity', '10s']] : [['agent', '*'], ['agent', 'edge-1']] }];
  const d = await boardDefaults(board, run);
  assert.equal(d.values.get('anomaly_granularity'), '10s');
  assert.equal(d.values.get('agent'), '*');
  for (const p of board.panels ?? []) {
    for (const t of ((p as dashboard.Panel).targets ?? []) as { query?: string }[]) assert.doesNotMatch(fillQuery(t.query ?? '', d), /\$\w/, `${p.title}`);
  }
});
