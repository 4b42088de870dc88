// Shared by the tests that run the dashboards' queries against a live influxd
// (grafana-queries.test.ts, demo.test.ts): every query of every generated board, its Grafana
// variables filled the way Grafana renders them, sent the way the provisioned datasource sends
// it, and "does the answer hold data". Not a test file itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { renderDashboards } from '../../grafana/build.ts';
import { boardQueries, type BoardQuery } from '../../grafana/queries.ts';

// Query the way the provisioned datasource makes Grafana query: its database, its method, and its
// Authorization header (holding an empty token, as against a 1.x server without auth).
const datasource = parse(readFileSync(new URL('../../grafana/provisioning/datasources/starwatch.yaml', import.meta.url), 'utf8')).datasources[0];
export const DB: string = datasource.jsonData.dbName;
const AUTH_HEADER = { [datasource.jsonData.httpHeaderName1]: datasource.secureJsonData.httpHeaderValue1.replace('${STARWATCH_GRAFANA_INFLUX_TOKEN}', '') };

export async function influxQL(influxUrl: string, q: string): Promise<any> {
  assert.equal(datasource.jsonData.httpMode, 'POST');
  const res = await fetch(`${influxUrl}/query`, { method: 'POST', headers: AUTH_HEADER, body: new URLSearchParams({ q, db: DB }) });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

/** One way of setting the variables: what a person picks in the board's drop-downs. */
export interface Selection {
  name: string;
  single: Record<string, string>;
  /** Values of multi-valued variables; Grafana renders them as a regex group `(a|b)`. */
  multi: Record<string, string[] | 'all'>;
  /** The $granularity picked (default 10s). */
  granularity?: string;
}

const escapeRegex = (s: string): string => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** Renders `query` the way Grafana's InfluxDB datasource would for `board` and `selection`. */
export function fillVariables(query: string, board: dashboard.Dashboard, selection: Selection): string {
  let q = query
    .replaceAll('$timeFilter', 'time >= now() - 1h AND time <= now() + 1h')
    .replaceAll('$__interval_ms', '10000')
    .replaceAll('$__interval', '10s')
    .replaceAll('$granularity', selection.granularity ?? '10s');
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
export function hasData(result: any): boolean {
  return (result.series ?? []).some((s: any) =>
    (s.values ?? []).some((row: unknown[]) => row.some((cell, i) => (s.columns[i] !== 'time' ? cell !== null : false))),
  );
}

export interface DashboardQuery extends BoardQuery {
  file: string;
  board: dashboard.Dashboard;
}

/** Every query of every generated board (panels, annotations, variables). */
export function dashboardQueries(): DashboardQuery[] {
  return [...renderDashboards()].flatMap(([file, text]) => {
    const board = JSON.parse(text) as dashboard.Dashboard;
    return boardQueries(board).map((q) => ({ ...q, file, board }));
  });
}

/** Runs one filled query; says whether influxd accepted it and whether it found data. */
export async function runDashboardQuery(influxUrl: string, q: DashboardQuery, selection: Selection): Promise<{ query: string; error?: string; data: boolean }> {
  const query = fillVariables(q.query, q.board, selection);
  const result = (await influxQL(influxUrl, query)).results?.[0] ?? {};
  return { query, error: result.error, data: hasData(result) };
}
