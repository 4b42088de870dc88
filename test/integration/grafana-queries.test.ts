// Every query of every generated board (panels, annotations, variables), its Grafana variables
// filled the way Grafana renders them, runs against an InfluxDB that a REAL pipeline filled: the
// demo's agent with the reference model, its labelled traffic and latency incident, NATS, and the
// collector with its analysis (short warm-ups, forecasts on 10 s windows). Each must return data,
// and none may read 0 where the count it divides by is 0 (InfluxQL answers x / 0 with 0).
// `starwatch training ingest` writes two runs beside it (the Models board's Training row), and an
// alert episode must show as a region whose text names its root cause.
// Two control tests show both checks can fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type RunningDemo } from '../../deploy/demo/run.ts';
import { DEMO_AGENT_ID, DEMO_DEFAULTS } from '../../deploy/demo/options.ts';
import { formatLine } from '../../collector/sinks/line-protocol.ts';
import { windowPoints } from '../../collector/points/window-points.ts';
import { WindowAccumulator } from '../../collector/windows/accumulator.ts';
import { makeEvent } from '../fixtures/collector-events.ts';
import { waitFor } from '../harness/services.ts';
import { connect } from 'nats';
import { LABELS_SUBJECT } from '../../schemas/subjects.ts';
import {
  dashboardQueries,
  fillVariables,
  influxQL,
  ingestTrainingRuns,
  resolveVariables,
  runDashboardQuery,
  zerosFromEmptyBases,
  DB,
  type QueryOutcome,
  type Selection,
} from './dashboard-queries.ts';

// Corpus kept between runs (generated once); the run's services live in a folder the demo removes.
const DATA = join(tmpdir(), 'starwatch-grafana-queries');
/** Steady traffic before the latency incident: the drift reference, and the ten steady windows the latency detector needs before it can flag (collector/detect/README.md, small samples). */
const INCIDENT_AFTER_S = 100;
/** Long enough for the alert (for: 5 s); it resolves 30 s (keep-firing) after it, a region the test waits for. */
const INCIDENT_FOR_S = 20;
const FILL_TIMEOUT_MS = 220_000;

let demo: RunningDemo | undefined;
let influxUrl = '';
const queries = dashboardQueries();
const ALL_SELECTED: Selection = { name: 'defaults (* and All)', single: { agent: '*', model_version: '*' }, multi: { agent: 'all', model_version: 'all', series: 'all', run: 'all' } };
const PICKED: Selection = {
  name: 'one agent and model',
  single: { agent: DEMO_AGENT_ID, model_version: '' },
  multi: { agent: [DEMO_AGENT_ID], model_version: [], series: ['latency_p95'], run: ['train-py'] },
};
const selections = [ALL_SELECTED, PICKED];
const results = new Map<string, QueryOutcome>();
const fine = (r: QueryOutcome) => r.error === undefined && r.data && r.zeroFromEmptyBase.length === 0;

const began = Date.now();
const progress = (what: string) => process.stderr.write(`[grafana-queries +${Math.round((Date.now() - began) / 1000)} s] ${what}\n`);

/**
 * What the pipeline writes last: a forecast crossing, a flagged anomaly, a closed 1 min window,
 * drift against a finished reference, a firing alert. Cheap to ask, so asked often; the full
 * sweep (hundreds of queries on a busy machine) runs once these are in.
 */
const READY = [
  `SELECT count("tt_threshold_s") FROM "forecast"`,
  `SELECT count("score") FROM "anomaly" WHERE "is_anomaly" = true`,
  `SELECT count("count") FROM "window" WHERE "granularity" = '1m' AND "agent" = '${DEMO_AGENT_ID}'`,
  `SELECT count("psi") FROM "drift"`,
  `SELECT count("value") FROM "alert" WHERE "state" = 'firing'`,
  // An alert episode that resolved (a region) with the root cause it fired with.
  `SELECT count("ends_ms") FROM "alert" WHERE "state" = 'firing' AND "root_cause" =~ /./`,
  // The demo's shadow comparison (the Rollout board).
  `SELECT count("pairs") FROM "rollout"`,
  // Late labels (the Models board's Labels row), sent by labelLate below.
  `SELECT count("delay_s") FROM "late_label"`,
];
const count = async (q: string): Promise<number> => (await influxQL(influxUrl, q)).results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;

/** Runs the queries not yet fine, a few at a time (influxd answers in parallel); true when all are. */
async function sweep(): Promise<boolean> {
  for (const s of selections) await resolveVariables(influxUrl, s);
  const todo = queries.flatMap((q) => selections.map((s) => ({ q, s, key: `${q.where} [${s.name}]` }))).filter(({ key }) => !results.has(key) || !fine(results.get(key)!));
  const queue = [...todo];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) results.set(job.key, await runDashboardQuery(influxUrl, job.q, job.s));
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const missing = todo.filter(({ key }) => !fine(results.get(key)!)).length;
  progress(`swept ${todo.length} queries, ${missing} without data`);
  return missing === 0;
}

before(
  async () => {
    mkdirSync(DATA, { recursive: true });
    demo = await startDemo(
      { ...DEMO_DEFAULTS, dataDir: DATA, corpusSize: 40, port: 0, rate: 25, incidentAfterS: INCIDENT_AFTER_S, incidentForS: INCIDENT_FOR_S, incident: 'latency', alertForS: 5, latencyP95MaxMs: 120, json: true },
      () => undefined,
    );
    influxUrl = demo.info.influxUrl;
    progress('pipeline running');
    // Runs that started 5 minutes ago, so their steps fall in the range the queries look at.
    const started = new Date(Date.now() - 5 * 60_000).toISOString();
    await ingestTrainingRuns(influxUrl, started);
    const version = await waitFor(
      async () => (await influxQL(influxUrl, `SHOW TAG VALUES FROM "window" WITH KEY = "model_version"`)).results?.[0]?.series?.[0]?.values?.find((v: string[]) => v[1] !== '*')?.[1],
      { timeoutMs: 30_000, intervalMs: 250, what: 'the first windows in InfluxDB' },
    );
    PICKED.single.model_version = version;
    PICKED.multi.model_version = [version];
    await labelLate(demo.info.natsUrl);
    let counts: number[] = [];
    const ready = async () => (counts = await Promise.all(READY.map(count))).every((n) => n > 0);
    await waitFor(ready, { timeoutMs: FILL_TIMEOUT_MS, intervalMs: 1000, what: 'forecasts, anomalies, 1 min windows, drift and alerts' }).catch(() => undefined);
    progress(`points of each kind: ${READY.map((q, i) => `${counts[i] ?? 0} ${q.slice(q.indexOf('FROM'))}`).join('; ')}`);
    // Anything still missing gets a second chance, a window later.
    if (!(await sweep())) await waitFor(() => sweep(), { timeoutMs: 20_000, intervalMs: 5000, what: 'the last panels' }).catch(() => undefined);
    // What the detectors flagged, per series and scope: the first thing to read when a panel is empty.
    const flagged = (await influxQL(influxUrl, `SELECT count("score") FROM "anomaly" WHERE "is_anomaly" = true GROUP BY "series", "model_version"`)).results?.[0]?.series ?? [];
    progress(`flagged: ${flagged.map((s: any) => `${s.tags.series}@${s.tags.model_version}=${s.values[0][1]}`).join(', ')}`);
  },
  { timeout: 380_000 },
);

after(async () => {
  await demo?.stop();
});

/** A reviewer's late labels for stored events, through the collector's labels subject (as POST /labels sends them). */
async function labelLate(natsUrl: string): Promise<void> {
  const ids = await waitFor(async () => {
    const series = (await influxQL(influxUrl, `SELECT "event_id" FROM "raw"."inference" WHERE "is_stego" = false LIMIT 20`)).results?.[0]?.series?.[0];
    return series?.values?.length ? series.values.map((v: unknown[]) => String(v[1])) : null;
  }, { timeoutMs: 30_000, intervalMs: 250, what: 'stored events to label' });
  const nc = await connect({ servers: natsUrl });
  try {
    const labels = ids.map((event_id: string) => ({ event_id, truth: 'clean', source: 'review' }));
    const reply = JSON.parse(new TextDecoder().decode((await nc.request(LABELS_SUBJECT, new TextEncoder().encode(JSON.stringify(labels)), { timeout: 30_000 })).data));
    assert.equal(reply.ok, true, JSON.stringify(reply));
    progress(`late labels: ${reply.applied} applied`);
  } finally {
    await nc.close();
  }
}

for (const q of queries) {
  for (const selection of selections) {
    test(`${q.file}: ${q.where} has collector-written data, no 0 from an empty base [${selection.name}]`, () => {
      const r = results.get(`${q.where} [${selection.name}]`);
      assert.ok(r, 'the query was never run (the pipeline did not get that far)');
      assert.equal(r.error, undefined, `influxd rejected: ${r.query}`);
      assert.ok(r.data, `no data for: ${r.query}`);
      assert.deepEqual(r.zeroFromEmptyBase, [], `reads 0 from an empty base: ${r.query}`);
    });
  }
}

/** Writes window points of a hand-made key the way the collector does (its encoder). */
async function writeWindow(agent: string, acc: WindowAccumulator, startMs: number, raw?: string): Promise<void> {
  const [point] = windowPoints({ granularity: '10s', start: startMs, end: startMs + 10_000, agent, model_version: '*', replica: '0', fields: acc.fields(10), acc });
  const line = raw ?? formatLine(point);
  const res = await fetch(`${influxUrl}/write?db=${DB}&rp=windows`, { method: 'POST', body: line });
  assert.equal(res.status, 204, await res.text());
}

test('control: a window without labelled clean traffic gives FPR null, and a written 0 base is caught', async () => {
  const start = Math.floor((Date.now() - 20 * 60_000) / 10_000) * 10_000;
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: 'c1', tsMs: start, prob: 0.1, agent: 'control-agent' }));
  await writeWindow('control-agent', acc, start);
  const fpr = `SELECT sum("fp") / sum("clean_labelled") FROM "windows"."window" WHERE "granularity" = '10s' AND "agent" = 'control-agent' AND time >= ${start}ms AND time < ${start + 10_000}ms GROUP BY time(10s) fill(none)`;
  const body = await influxQL(influxUrl, fpr);
  const values = (body.results[0].series ?? []).flatMap((s: any) => s.values.map((v: unknown[]) => v[1]));
  assert.ok(values.every((v: unknown) => v === null), `FPR without samples: ${JSON.stringify(values)}`);
  // The same window written the old way (fp=0, clean_labelled=0): x / 0 reads 0, and the check says so.
  await writeWindow('control-zero', acc, start, `window,agent=control-zero,granularity=10s,model_version=*,replica=0 count=1i,fp=0i,clean_labelled=0i ${start}000000`);
  const zeroQuery = fpr.replace('control-agent', 'control-zero');
  const zeroResult = (await influxQL(influxUrl, zeroQuery)).results[0];
  assert.equal(zeroResult.series[0].values[0][1], 0);
  assert.equal((await zerosFromEmptyBases(influxUrl, zeroQuery, zeroResult)).length, 1);
});

test('control: a query for a field nobody writes finds no data, so the data check can fail', async () => {
  const body = await influxQL(influxUrl, `SELECT mean("no_such_field") FROM "window" WHERE time >= now() - 1h`);
  assert.equal((body.results[0].series ?? []).length, 0);
});

test('a dead agent does not count as reporting: only heartbeats of the last 35 s do', async () => {
  const reporting = queries.find((q) => q.where.endsWith('panel "Agents reporting" > A'));
  assert.ok(reporting);
  const agentsNow = async () => {
    const body = await influxQL(influxUrl, fillVariablesFor(reporting));
    return body.results[0].series?.[0]?.values?.[0]?.[1];
  };
  assert.equal(await agentsNow(), 1, 'the demo agent reports');
  // An agent last heard from two minutes ago: in the range, but silent.
  const ts = (Date.now() - 120_000) * 1e6;
  const line = `agent,agent=dead-agent,model_version=none uptime_s=300,queue_depth=0,events_sent=0,events_dropped=0,model_loaded=true,nats_connected=true ${ts}`;
  const res = await fetch(`${influxUrl}/write?db=${DB}&rp=windows`, { method: 'POST', body: line });
  assert.equal(res.status, 204, await res.text());
  assert.equal(await agentsNow(), 1, 'the silent agent is not counted');
});

test('the alerts annotation draws a resolved episode as a region whose text names its root cause', async () => {
  const alerts = queries.filter((q) => q.where.endsWith('annotation "Alerts firing"'));
  assert.equal(alerts.length, 5, 'the alerts annotation is on every board (Rollout included)');
  const body = await influxQL(influxUrl, fillVariablesFor(alerts[0]));
  const series = body.results[0].series ?? [];
  assert.equal(series.length, 1, JSON.stringify(body));
  const { columns, values } = series[0] as { columns: string[]; values: unknown[][] };
  const at = (row: unknown[], c: string) => row[columns.indexOf(c)];
  const regions = values.filter((row) => typeof at(row, 'ends_ms') === 'number' && (at(row, 'ends_ms') as number) > Date.parse(String(at(row, 'time'))));
  assert.ok(regions.length > 0, `no resolved episode among ${values.length} firing points`);
  const explained = regions.filter((row) => /; root cause: \w+=/.test(String(at(row, 'text'))));
  assert.ok(explained.length > 0, `no region with a root cause: ${JSON.stringify(regions.map((r) => at(r, 'text')))}`);
  progress(`alert regions: ${regions.length}, with root cause: ${explained.length}, e.g. ${JSON.stringify(at(explained[0], 'text'))}`);
});

const fillVariablesFor = (q: (typeof queries)[number]) => fillVariables(q.query, q.board, ALL_SELECTED);
