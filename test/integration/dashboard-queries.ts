// Shared by the tests that run the dashboards' queries against a live influxd
// (grafana-queries.test.ts, demo.test.ts): every query of every generated board, its Grafana
// variables filled the way Grafana renders them, sent the way the provisioned datasource sends
// it, and "does the answer hold data". Not a test file itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { renderDashboards } from '../../grafana/build.ts';
import { boardQueries, type BoardQuery } from '../../grafana/queries.ts';
import { waitFor } from '../harness/services.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

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
  /** Single-valued variables nobody picked, resolved as Grafana would (resolveVariables). */
  resolved?: Record<string, string>;
}

/**
 * Fills `selection.resolved` the way Grafana sets a single-valued query variable nobody picked:
 * its saved value if the query offers it, else the first value offered.
 */
export async function resolveVariables(influxUrl: string, selection: Selection): Promise<void> {
  const resolved: Record<string, string> = {};
  for (const [, text] of renderDashboards()) {
    const board = JSON.parse(text) as dashboard.Dashboard;
    for (const v of board.templating?.list ?? []) {
      if (v.type !== 'query' || v.multi || selection.single[v.name]) continue;
      const body = await influxQL(influxUrl, fillVariables(String(v.query), board, { ...selection, single: { ...selection.single } }));
      const offered: string[] = (body.results?.[0]?.series?.[0]?.values ?? []).map((row: string[]) => row[1]);
      const saved = String((v.current as { value?: unknown } | undefined)?.value ?? '');
      const value = offered.includes(saved) ? saved : offered[0];
      if (value) resolved[`${board.uid}/${v.name}`] = value;
    }
  }
  selection.resolved = resolved;
}

const escapeRegex = (s: string): string => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** Renders `query` the way Grafana's InfluxDB datasource would for `board` and `selection`. */
export function fillVariables(query: string, board: dashboard.Dashboard, selection: Selection): string {
  let q = query
    // A short pipeline run's span, and the forecasts ahead of it: fewer empty buckets to compute.
    .replaceAll('$timeFilter', 'time >= now() - 15m AND time <= now() + 15m')
    .replaceAll('$__interval_ms', '10000')
    .replaceAll('$__interval', '10s')
    .replaceAll('$granularity', selection.granularity ?? '10s');
  for (const v of board.templating?.list ?? []) {
    const ref = `$${v.name}`;
    if (v.type === 'constant') q = q.replaceAll(ref, String(v.query));
    if (v.type !== 'query') continue;
    if (!q.includes(ref)) continue;
    let value: string;
    if (v.multi) {
      const picked = selection.multi[v.name];
      assert.ok(picked, `no selection for multi variable ${v.name}`);
      value = picked === 'all' ? String(v.allValue) : `(${picked.map(escapeRegex).join('|')})`;
    } else {
      value = selection.single[v.name] ?? selection.resolved?.[`${board.uid}/${v.name}`] ?? '';
      // Resolved, but offered nothing yet (no such points): Grafana leaves it empty, and so the panel.
      assert.ok(value || selection.resolved, `no selection for variable ${v.name}`);
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

/** A single-valued query variable the query uses, neither picked nor (yet) resolved to a value. */
function needsResolving(q: DashboardQuery, selection: Selection): boolean {
  return (q.board.templating?.list ?? []).some(
    (v) => v.type === 'query' && !v.multi && q.query.includes(`$${v.name}`) && !selection.single[v.name] && !selection.resolved?.[`${q.board.uid}/${v.name}`],
  );
}

export interface QueryOutcome {
  query: string;
  error?: string;
  data: boolean;
  /** Rows where the query reads 0 although a base it divides by is 0 (InfluxQL's x / 0 = 0). */
  zeroFromEmptyBase: string[];
}

/** Runs one filled query; says whether influxd accepted it, whether it found data, and any 0 from x / 0. */
export async function runDashboardQuery(influxUrl: string, q: DashboardQuery, selection: Selection): Promise<QueryOutcome> {
  if (needsResolving(q, selection)) await resolveVariables(influxUrl, selection);
  const query = fillVariables(q.query, q.board, selection);
  const result = (await influxQL(influxUrl, query)).results?.[0] ?? {};
  const zeroFromEmptyBase = result.error ? [] : await zerosFromEmptyBases(influxUrl, query, result);
  return { query, error: result.error, data: hasData(result), zeroFromEmptyBase };
}

const rowKey = (s: any, row: unknown[]): string => `${JSON.stringify(s.tags ?? {})}@${row[s.columns.indexOf('time')] ?? ''}`;

/**
 * For a query dividing by sum("base"), runs the bases alone over the same range and grouping and
 * lists the rows where the query shows a 0 while some base is 0: a rate read from no samples.
 */
export async function zerosFromEmptyBases(influxUrl: string, query: string, result: any): Promise<string[]> {
  const bases = [...new Set([...query.matchAll(/\/ sum\("([^"]+)"\)/g)].map((m) => m[1]))];
  const fromAt = query.search(/ FROM "/);
  if (bases.length === 0 || fromAt < 0 || query.includes('FROM (')) return [];
  const hasZero = (result.series ?? []).some((s: any) => (s.values ?? []).some((row: unknown[]) => row.some((cell, i) => s.columns[i] !== 'time' && cell === 0)));
  if (!hasZero) return []; // nothing reads 0: no base to ask about
  const companion = `SELECT ${bases.map((b, i) => `sum("${b}") AS "base${i}"`).join(', ')}${query.slice(fromAt)}`;
  const baseResult = (await influxQL(influxUrl, companion)).results?.[0] ?? {};
  const zeroBase = new Set<string>();
  for (const s of baseResult.series ?? [])
    for (const row of s.values ?? []) if (row.some((cell: unknown, i: number) => s.columns[i] !== 'time' && cell === 0)) zeroBase.add(rowKey(s, row));
  const found: string[] = [];
  for (const s of result.series ?? [])
    for (const row of s.values ?? [])
      if (row.some((cell: unknown, i: number) => s.columns[i] !== 'time' && cell === 0) && zeroBase.has(rowKey(s, row))) found.push(rowKey(s, row));
  return found;
}

/** The training runs `starwatch training ingest` writes beside the pipeline (the Models board's Training row). */
export const TRAINING_RUNS = [
  { file: 'test/fixtures/training/train-py.out.txt', run: 'train-py' },
  { file: 'test/fixtures/training/keras-history.json', run: 'keras' },
];

/** `starwatch training ingest` of every TRAINING_RUNS file as a user runs it; each killed at its deadline. */
export async function ingestTrainingRuns(influxUrl: string, started: string): Promise<void> {
  for (const t of TRAINING_RUNS) await ingestTraining(influxUrl, t.file, t.run, started);
}

async function ingestTraining(influxUrl: string, file: string, run: string, started: string): Promise<void> {
  const args = ['bin/starwatch.js', 'training', 'ingest', file, '--run', run, '--model-version', 'v4-candidate', '--started', started, '--influx-url', influxUrl, '--database', DB];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  let exit: { code: number | null } | undefined;
  child.once('exit', (code) => (exit = { code }));
  try {
    const { code } = await waitFor(() => exit, { timeoutMs: 30_000, intervalMs: 100, what: `training ingest of ${file}` });
    assert.equal(code, 0, err);
  } finally {
    child.kill('SIGKILL');
  }
}
