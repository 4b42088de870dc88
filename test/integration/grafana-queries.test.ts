// Every query of every generated dashboard (panels, annotations, variables), with its Grafana
// variables filled in the way Grafana renders them, runs against a live influxd and returns data.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { renderDashboards } from '../../grafana/build.ts';
import { boardQueries } from '../../grafana/queries.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { RETENTION } from '../../schemas/measurements.ts';
import { InfluxV1Transport, setupInfluxV1 } from '../../collector/sinks/influx-v1.ts';
import { AGENTS, MODEL_VERSIONS, SERIES, representativeLines } from '../fixtures/influx/representative-points.ts';

// Query the way the provisioned datasource makes Grafana query: its database, its method, and its
// Authorization header (holding an empty token, as against a 1.x server without auth).
const datasource = parse(readFileSync(new URL('../../grafana/provisioning/datasources/starwatch.yaml', import.meta.url), 'utf8')).datasources[0];
const DB: string = datasource.jsonData.dbName;
const AUTH_HEADER = { [datasource.jsonData.httpHeaderName1]: datasource.secureJsonData.httpHeaderValue1.replace('${STARWATCH_GRAFANA_INFLUX_TOKEN}', '') };
const services = useServices({ influx: true });

async function influxQL(q: string): Promise<any> {
  assert.equal(datasource.jsonData.httpMode, 'POST');
  const res = await fetch(`${services.influx.url}/query`, { method: 'POST', headers: AUTH_HEADER, body: new URLSearchParams({ q, db: DB }) });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

/**
 * Hook for the real fill: agent events published to NATS, consumed by the collector, written by
 * it to influxd. Returns false while that path is not wired here, and the hand-written points of
 * test/fixtures/influx/representative-points.ts are used instead.
 */
async function fillFromPipeline(_influxUrl: string): Promise<boolean> {
  return false;
}

/** Hand-written points, stored the way the collector stores them: its setup, encoder and transport. */
async function fillByHand(influxUrl: string): Promise<void> {
  const options = { url: influxUrl, database: DB, policies: { ...RETENTION }, timeoutMs: 10_000 };
  await setupInfluxV1(options, { raw: '7d', windows: '400d' });
  const transport = new InfluxV1Transport(options);
  const lines = representativeLines();
  for (const target of ['raw', 'windows'] as const) await transport.send(target, lines[target].join('\n'));
}

before(async () => {
  // Node 20 runs a file's root-level before hooks side by side, so wait for the harness's one.
  await waitFor(() => services.influx, { timeoutMs: 30_000, what: 'influxd from the harness' });
  if (!(await fillFromPipeline(services.influx.url))) await fillByHand(services.influx.url);
});

/** One way of setting the variables: what a person picks in the board's drop-downs. */
interface Selection {
  name: string;
  single: Record<string, string>;
  /** Values of multi-valued variables; Grafana renders them as a regex group `(a|b)`. */
  multi: Record<string, string[] | 'all'>;
}

const SELECTIONS: Selection[] = [
  { name: 'defaults (* and All)', single: { agent: '*', model_version: '*' }, multi: { agent: 'all', model_version: 'all', series: 'all' } },
  {
    name: 'specific values',
    single: { agent: AGENTS[0], model_version: MODEL_VERSIONS[0] },
    multi: { agent: AGENTS, model_version: MODEL_VERSIONS, series: [SERIES[0]] },
  },
];

const escapeRegex = (s: string): string => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** Renders `query` the way Grafana's InfluxDB datasource would for `board` and `selection`. */
function fillVariables(query: string, board: dashboard.Dashboard, selection: Selection): string {
  let q = query
    .replaceAll('$timeFilter', 'time >= now() - 1h AND time <= now() + 1h')
    .replaceAll('$__interval_ms', '10000')
    .replaceAll('$__interval', '10s')
    .replaceAll('$granularity', '10s');
  for (const v of board.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const ref = `$${v.name}`;
    if (!q.includes(ref)) continue;
    let value: string;
    if (v.multi) {
      const picked = selection.multi[v.name];
      assert.ok(picked, `no selection for multi variable ${v.name}`);
      value = picked === 'all' ? String(v.allValue) : `(${picked.map(escapeRegex).join('|')})`;
    } else {
      value = selection.single[v.name];
      assert.ok(value, `no selection for variable ${v.name}`);
    }
    q = q.replaceAll(ref, value);
  }
  assert.doesNotMatch(q, /\$\w/, `a variable is left unfilled in: ${q}`);
  return q;
}

/** True when some series of the result holds a non-null value beside its time column. */
function hasData(result: any): boolean {
  return (result.series ?? []).some((s: any) =>
    (s.values ?? []).some((row: unknown[]) => row.some((cell, i) => (s.columns[i] !== 'time' ? cell !== null : false))),
  );
}

for (const [file, text] of renderDashboards()) {
  const board = JSON.parse(text) as dashboard.Dashboard;
  for (const selection of SELECTIONS) {
    for (const { where, query } of boardQueries(board)) {
      test(`${file}: ${where} returns data [${selection.name}]`, async () => {
        const q = fillVariables(query, board, selection);
        const body = await influxQL(q);
        const result = body.results?.[0] ?? {};
        assert.equal(result.error, undefined, `influxd rejected: ${q}`);
        assert.ok(hasData(result), `no data for: ${q}`);
      });
    }
  }
}

test('control: a query for a field nobody writes finds no data, so the checks above can fail', async () => {
  const body = await influxQL(`SELECT mean("no_such_field") FROM "window" WHERE time >= now() - 1h`);
  assert.equal(hasData(body.results[0]), false);
});
