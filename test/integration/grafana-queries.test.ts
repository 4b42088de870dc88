// Every query of every generated dashboard (panels, annotations, variables), with its Grafana
// variables filled in the way Grafana renders them, runs against a live influxd and returns data.
// Here influxd holds hand-written representative points; test/integration/demo.test.ts runs the
// same queries against an influxd that the whole pipeline filled (`starwatch demo`).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServices, waitFor } from '../harness/services.ts';
import { RETENTION } from '../../schemas/measurements.ts';
import { InfluxV1Transport, setupInfluxV1 } from '../../collector/sinks/influx-v1.ts';
import { AGENTS, MODEL_VERSIONS, SERIES, representativeLines } from '../fixtures/influx/representative-points.ts';
import { DB, dashboardQueries, hasData, influxQL, runDashboardQuery, type Selection } from './dashboard-queries.ts';

const services = useServices({ influx: true });

/** Hand-written points, stored the way the collector stores them: its setup, encoder and transport. */
async function fillByHand(influxUrl: string): Promise<void> {
  const options = { url: influxUrl, database: DB, policies: { ...RETENTION }, timeoutMs: 10_000 };
  await setupInfluxV1(options, { raw: '7d', windows: '400d' });
  const transport = new InfluxV1Transport(options);
  const lines = representativeLines();
  for (const target of ['raw', 'windows'] as const) await transport.send(target, [Buffer.from(lines[target].join('\n') + '\n')]);
}

before(async () => {
  // Node 20 runs a file's root-level before hooks side by side, so wait for the harness's one.
  await waitFor(() => services.influx, { timeoutMs: 30_000, what: 'influxd from the harness' });
  await fillByHand(services.influx.url);
});

const SELECTIONS: Selection[] = [
  { name: 'defaults (* and All)', single: { agent: '*', model_version: '*' }, multi: { agent: 'all', model_version: 'all', series: 'all' } },
  {
    name: 'specific values',
    single: { agent: AGENTS[0], model_version: MODEL_VERSIONS[0] },
    multi: { agent: AGENTS, model_version: MODEL_VERSIONS, series: [SERIES[0]] },
  },
];

for (const q of dashboardQueries()) {
  for (const selection of SELECTIONS) {
    test(`${q.file}: ${q.where} returns data [${selection.name}]`, async () => {
      const { query, error, data } = await runDashboardQuery(services.influx.url, q, selection);
      assert.equal(error, undefined, `influxd rejected: ${query}`);
      assert.ok(data, `no data for: ${query}`);
    });
  }
}

test('control: a query for a field nobody writes finds no data, so the checks above can fail', async () => {
  const body = await influxQL(services.influx.url, `SELECT mean("no_such_field") FROM "window" WHERE time >= now() - 1h`);
  assert.equal(hasData(body.results[0]), false);
});
