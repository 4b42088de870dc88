// Live feed and API under load, on a real nats-server and influxd started for the run:
// 1. fan-out: N WebSocket followers (another process) each receive every window update;
//    delay = receipt time - publish time, over all followers and updates (target p99 < 200 ms).
// 2. API latency with C keep-alive clients hammering one route at a time (targets p99:
//    /health 100 ms, /metrics/log 50 ms, /alerts/recent 200 ms, /metrics/stats 500 ms).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { connect } from 'nats';
import { startApi } from '../collector/api/start.ts';
import { startInflux } from '../deploy/local/influxd.ts';
import { startNats } from '../deploy/local/nats.ts';
import { TOPICS } from '../schemas/live.ts';
import { exampleEvent } from '../schemas/example-event.ts';
import { MEASUREMENTS, METHODS, methodField } from '../schemas/measurements.ts';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX } from '../schemas/subjects.ts';
import { IMAGE_FORMATS } from '../v4/contract.ts';
import type { Bench, BenchReport } from './registry.ts';
import { formatMs, summarise, type Summary } from './stats.ts';

interface LiveBenchOptions {
  clients?: string | number;
  updates?: string | number;
  rate?: string | number;
  concurrency?: string | number;
  seconds?: string | number;
}

const TOKEN = 'bench-token-read-0123456789';
const WRITE_TOKEN = 'bench-token-write-0123456789';
const DB = 'starwatch_bench';
const MINUTE = 60_000;

export const liveBench: Bench = {
  name: 'live',
  description: 'WebSocket fan-out delay to many clients, and API latency under load',
  addOptions: (command: Command) =>
    command
      .option('--clients <n>', 'WebSocket followers', '500')
      .option('--updates <n>', 'window updates to publish', '100')
      .option('--rate <n>', 'updates per second', '10')
      .option('--concurrency <n>', 'HTTP clients per route', '8')
      .option('--seconds <n>', 'seconds of load per route', '3'),
  run: (options) => runLiveBench(options as LiveBenchOptions),
};

async function runLiveBench(o: LiveBenchOptions): Promise<BenchReport> {
  const clients = Number(o.clients ?? 500);
  const updates = Number(o.updates ?? 100);
  const rate = Number(o.rate ?? 10);
  const concurrency = Number(o.concurrency ?? 8);
  const durationMs = Number(o.seconds ?? 3) * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-bench-live-'));
  const [nats, influx] = await Promise.all([startNats(join(dir, 'nats')), startInflux(join(dir, 'influx'))]);
  const nc = await connect({ servers: nats.url });
  const load = fork(new URL('./live-load.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
  try {
    await (await nc.jetstreamManager()).streams.add({ name: EVENTS_STREAM, subjects: [`${EVENTS_SUBJECT_PREFIX}.>`] });
    await fillInflux(influx.url);
    const api = await startApi({
      port: 0,
      token: TOKEN,
      writeToken: WRITE_TOKEN,
      nats: nc,
      influx: { url: influx.url, db: DB },
      limits: { logRatePerSec: 1e6, logBurst: 1e6 },
      live: { maxClients: clients + 10 },
    });
    // The same routes without the query cache, one client at a time: what a cold query costs.
    const cold = await startApi({
      port: 0,
      token: TOKEN,
      nats: nc,
      influx: { url: influx.url, db: DB },
      limits: { queryCacheMs: 0 },
    });
    try {
      const fanout = await fanOut(load, api, clients, updates, rate);
      const routes: Array<[string, string, string?]> = [
        ['GET', '/health'],
        ['POST', '/metrics/log', JSON.stringify(exampleEvent({ event_id: '__ID__', agent_id: 'bench-http' }))],
        ['GET', '/alerts/recent?limit=50'],
        ['GET', '/alerts/recent?active_only=true'],
        ['GET', '/models/versions'],
        ['GET', '/metrics/stats?window=1h&granularity=1m'],
        ['GET', '/metrics/stats?window=24h&granularity=5m'],
        ['GET', '/metrics/stats?window=7d&granularity=1h'],
      ];
      type Figures = Summary & { rps: number; statuses: Record<string, number> };
      const measure = async (url: string, clientsPerRoute: number, only: (path: string) => boolean) => {
        const out: Record<string, Figures> = {};
        for (const [method, path, body] of routes.filter(([, p]) => only(p))) {
          const r = (await ask(load, { cmd: 'http', url, token: method === 'POST' ? WRITE_TOKEN : TOKEN, method, path, body, concurrency: clientsPerRoute, durationMs })) as {
            latencies: number[];
            statuses: Record<string, number>;
          };
          out[`${method} ${path}`] = { ...summarise(r.latencies), rps: r.latencies.length / (durationMs / 1000), statuses: r.statuses };
        }
        return out;
      };
      const http = await measure(api.url, concurrency, () => true);
      const uncached = await measure(cold.url, 1, (p) => /stats|alerts|models/.test(p));
      const lines = (figures: Record<string, Figures>) =>
        Object.entries(figures).map(
          ([route, s]) => `  ${route.padEnd(42)} ${s.rps.toFixed(0).padStart(6)} req/s  ${formatMs(s)}  ${JSON.stringify(s.statuses)}`,
        );
      const text = [
        `fan-out: ${clients} clients x ${updates} updates at ${rate}/s: ${fanout.complete ? 'every client got every update' : `INCOMPLETE (min ${fanout.minPerClient})`}`,
        `  delay ${formatMs(fanout.delay)}`,
        `API, ${concurrency} keep-alive clients per route, ${durationMs / 1000} s each (7 days of 1-minute windows in influxd):`,
        ...lines(http),
        `InfluxDB-backed routes without the query cache, 1 client:`,
        ...lines(uncached),
      ].join('\n');
      return { name: 'live', text, data: { clients, updates, rate, fanout, concurrency, http, uncached } };
    } finally {
      await api.close();
      await cold.close();
    }
  } finally {
    load.kill();
    await nc.close();
    await Promise.all([nats.stop(), influx.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fanOut(load: ChildProcess, api: Awaited<ReturnType<typeof startApi>>, clients: number, updates: number, rate: number) {
  const wsUrl = `${api.url.replace('http', 'ws')}/ws`;
  await ask(load, { cmd: 'ws', url: wsUrl, token: TOKEN, clients, topic: 'windows.1s.*.*' });
  const topic = TOPICS.windows('1s', '*', '*');
  const t0 = performance.now();
  for (let i = 0; i < updates; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    api.hub.publish(topic, { ...windowFields(i), sent_at: performance.timeOrigin + performance.now() });
  }
  const settle = Date.now() + 10_000;
  for (;;) {
    const { count } = (await ask(load, { cmd: 'ws-count' })) as { count: number };
    if (count >= clients * updates || Date.now() > settle) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const report = (await ask(load, { cmd: 'ws-report' })) as { delays: number[]; perClient: number[] };
  const minPerClient = Math.min(...report.perClient);
  return { delay: summarise(report.delays), complete: minPerClient === updates && report.perClient.length === clients, minPerClient };
}

/** A window payload the size of a real one (about 1.5 kB of fields). */
function windowFields(i: number) {
  const fields: Record<string, number> = { count: 400 + i, errors: 2, rps: 400 + i, latency_p50: 3.4, latency_p95: 6.1, latency_p99: 8.8, latency_max: 20 };
  for (const m of METHODS.map(methodField)) Object.assign(fields, { [`rate_${m}`]: 0.05, [`det_${m}`]: 0.93, [`det_${m}_n`]: 10 });
  for (const f of IMAGE_FORMATS) fields[`fmt_${f}`] = 80;
  return { granularity: '1s', model_version: '*', agent: '*', start: Date.now() - 1000, end: Date.now(), fields };
}

function ask(child: ChildProcess, message: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });
}

/** 7 days of 1-minute windows for the overall key and two versions, plus some alerts. */
async function fillInflux(url: string): Promise<void> {
  await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE ${DB}` }) });
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - 7 * 24 * 60 * MINUTE;
  const lines: string[] = [];
  for (let t = start, i = 0; t < Date.now(); t += MINUTE, i++) {
    for (const mv of ['*', '2.0.0', '2.1.0']) {
      const f = `count=${6000 + (i % 50)},errors=${i % 7},latency_p50=3.4,latency_p95=${6 + (i % 10) / 10},latency_p99=9.1,latency_max=25,stego_rate=0.21,fp=2,clean_labelled=300,rate_alpha=0.05,det_alpha=0.93,det_alpha_n=10`;
      lines.push(`${MEASUREMENTS.window},granularity=1m,agent=*,model_version=${mv},replica=0 ${f} ${t}`);
    }
    if (i % 90 === 0) {
      lines.push(`${MEASUREMENTS.alert},rule=latency_p95_high,severity=warning,state=${i % 180 === 0 ? 'firing' : 'resolved'},key=overall value=9,threshold=8,message="p95 high",alert_id="a${i}" ${t}`);
    }
  }
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await fetch(`${url}/write?db=${DB}&precision=ms`, { method: 'POST', body: lines.slice(i, i + 5000).join('\n') });
    if (res.status !== 204) throw new Error(`influx write: ${res.status} ${await res.text()}`);
  }
}

