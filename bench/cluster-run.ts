// One run of replica mode on a real distributed setup: a 3-node nats-server JetStream cluster
// (streams with 3 replicas), influxd, and 3 collector child processes with cluster.enabled.
// Events (3 agents, several minutes of event time, varied latency) are published at a steady
// rate; under that load the analysis leader is killed (-9) and one nats-server node stopped.
// Then the merged windows in InfluxDB are compared, minute by minute, with one WindowEngine
// over the same events (what a single collector computes): counts and p95 must be equal.
// The bench (bench/cluster.ts) and the integration test (test/integration/collector-cluster.test.ts) run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nanos, StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import { DEFAULTS, type CollectorConfig } from '../collector/config.ts';
import { ensureClusterStream } from '../collector/cluster/start-cluster.ts';
import { MERGED_REPLICA } from '../collector/cluster/minute-merger.ts';
import { EVENTS_FILTER, ensureStreams } from '../collector/consume/streams.ts';
import { streamSettingsOf } from '../collector/start.ts';
import { WindowEngine } from '../collector/windows/engine.ts';
import { startInflux } from '../deploy/local/influxd.ts';
import { startNatsCluster } from '../deploy/local/nats-cluster.ts';
import { freePort } from '../deploy/local/ports.ts';
import { waitFor } from '../deploy/local/wait.ts';
import { encodeBatch } from '../agent/publish/batch-encoding.ts';
import type { InferenceEvent } from '../schemas/inference-event.ts';
import { ALERTS_SUBJECT, DEAD_LETTER_SUBJECT, eventsSubject } from '../schemas/subjects.ts';

export interface ClusterRunOptions {
  events: number;
  minutes: number;
  /** Messages (batches of 100 events) published per second. */
  messagesPerSecond: number;
  /** Stretches every deadline (the test harness's STARWATCH_TEST_PATIENCE). */
  patience?: number;
  /**
   * No wait goes past this many ms from the start, so a stuck step fails with its name and the
   * collectors' logs rather than the test runner's timeout, which says neither.
   */
  budgetMs?: number;
  /** Keeps the collectors' logs here (else they go with the temp folder). */
  logDir?: string;
}

export interface MinuteFigures {
  start: string;
  count: number;
  expected_count: number;
  p95_ms: number;
  expected_p95_ms: number;
}

export interface ClusterRunResult {
  events: number;
  merged_events: number;
  lost: number;
  duplicated: number;
  one_second_windows_sum: number;
  p95_equal: boolean;
  minutes: MinuteFigures[];
  leader_killed: string;
  new_leader: string;
  new_leader_after_ms: number;
  nats_node_stopped: string;
  /** Alert notifications on starwatch.v1.alerts, and the distinct (group, status) among them. */
  notifications: number;
  incidents: number;
  /** Each notification as `group status`, in the order they came. */
  told: string[];
  /** The injected latency incident: event time from and to (ISO), and its notifications. */
  incident: { from: string; to: string; firing: number; resolved: number };
  /** Redelivered messages another replica had counted too: their copy was left out of the merge. */
  duplicates_left_out: number;
  /** Redelivered messages counted apart (under their stream sequence). */
  redelivered_apart: number;
  late_partials: number;
  /** Batches published, and messages the events stream holds (more: a publish stored twice). */
  batches: number;
  stream_messages: number;
  /** Redelivered messages of the killed replica whose counted events were not counted again. */
  redelivered_already_counted: number;
  leaders_at_end: number;
  elapsed_s: number;
}

const AGENTS = 3;
const BATCH = 100;

export async function runClusterScenario(o: ClusterRunOptions): Promise<ClusterRunResult> {
  const t0 = Date.now();
  const end = t0 + (o.budgetMs ?? Number.POSITIVE_INFINITY);
  /** A wait's own deadline stretched by patience, cut to what is left of the budget. */
  const within = (ms: number) => Math.max(1000, Math.min(ms * (o.patience ?? 1), end - Date.now()));
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-cluster-'));
  const collectors: Collector[] = [];
  let batches: Batch[] = [];
  let nc: NatsConnection | undefined;
  const nats = await startNatsCluster(join(dir, 'nats'), 3, within(60_000));
  const influx = await startInflux(join(dir, 'influx')).catch(async (e) => { await nats.stop(); throw e; });
  try {
    nc = await connect({ servers: nats.urls.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    const base = collectorConfig(nats.urls, influx.url);
    await createReplicatedStreams(await nc.jetstreamManager(), base);
    for (let i = 0; i < 3; i++) collectors.push(await spawnCollector(base, `r${i}`, o.logDir ?? dir));
    await waitFor(async () => (await Promise.all(collectors.map((c) => c.metrics()))).every((m) => m.up), { timeoutMs: within(120_000), what: 'three collectors' });
    const leader = await waitFor(async () => soleLeader(collectors), { timeoutMs: within(30_000), what: 'an analysis leader' });

    const told: string[] = [];
    const alerts = nc.subscribe(ALERTS_SUBJECT, {
      callback: (_e, m) => {
        const n = JSON.parse(new TextDecoder().decode(m.data)) as { group?: string; rule: string; key: string; status: string };
        told.push(`${n.group ?? `${n.rule}|${n.key}`} ${n.status}`);
      },
    });
    const events = makeEvents(o.events, o.minutes);
    const incident = incidentOf(eventMs(events[0]), eventMs(events[events.length - 1]));
    batches = toBatches(events);
    const killAt = Math.floor(batches.length * 0.35);
    const stopNodeAt = Math.floor(batches.length * 0.5);
    let killedAt = 0;
    let failover: Promise<{ name: string; ms: number }> | undefined;
    const stoppedNode = nats.nodes[2];
    await publishAtRate(nc, batches, o.messagesPerSecond, async (i) => {
      if (i === killAt) {
        killedAt = Date.now();
        leader.child.kill('SIGKILL');
        const others = collectors.filter((c) => c !== leader);
        failover = waitFor(async () => soleLeader(others), { timeoutMs: within(30_000), intervalMs: 50, what: 'a new leader' }).then((c) => ({ name: c.replica, ms: Date.now() - killedAt }));
      }
      if (i === stopNodeAt) await stoppedNode.stop();
    }, end);
    const newLeader = await failover!;

    const expected = expectedMinutes(events);
    const want = expected.reduce((n, m) => n + m.count, 0);
    const survivors = collectors.filter((c) => c !== leader);
    const merged = await waitFor(
      async () => {
        const minutes = await mergedMinutes(influx.url);
        const total = minutes.reduce((n, m) => n + m.count, 0);
        // Both fields: influxd keeps each field of a point as its own series, so a read during
        // the write can see the count before the p95 (a CI run, 2026-12-01).
        return minutes.length >= expected.length && total >= want && minutes.every((m) => m.p95 !== null) && minutes;
      },
      { timeoutMs: within(180_000), intervalMs: 500, what: 'every merged minute in InfluxDB' },
    ).catch(() => mergedMinutes(influx.url));
    const byStart = new Map(merged.map((m) => [m.start, m]));
    const minutes: MinuteFigures[] = expected.map((e) => {
      const got = byStart.get(e.start);
      return { start: new Date(e.start).toISOString(), count: got?.count ?? 0, expected_count: e.count, p95_ms: got?.p95 ?? Number.NaN, expected_p95_ms: e.p95 };
    });
    // The incident's resolve is told on the windows after it, which are merged by now.
    await waitFor(() => told.includes(`${LATENCY_GROUP} resolved`), { timeoutMs: within(30_000), what: 'the incident resolved' }).catch(() => undefined);
    // A second copy would come from another replica judging the same windows: give it the time.
    await new Promise((r) => setTimeout(r, 3000));
    alerts.unsubscribe();
    const metrics = await Promise.all(survivors.map((c) => c.metrics()));
    return {
      events: o.events,
      merged_events: minutes.reduce((n, m) => n + m.count, 0),
      lost: minutes.reduce((n, m) => n + Math.max(0, m.expected_count - m.count), 0),
      duplicated: minutes.reduce((n, m) => n + Math.max(0, m.count - m.expected_count), 0),
      one_second_windows_sum: await oneSecondSum(influx.url),
      p95_equal: minutes.every((m) => m.p95_ms === m.expected_p95_ms),
      minutes,
      leader_killed: leader.replica,
      new_leader: newLeader.name,
      new_leader_after_ms: newLeader.ms,
      nats_node_stopped: stoppedNode.name,
      notifications: told.length,
      incidents: new Set(told).size,
      told,
      incident: { from: new Date(incident.from).toISOString(), to: new Date(incident.to).toISOString(), firing: told.filter((t) => t === `${LATENCY_GROUP} firing`).length, resolved: told.filter((t) => t === `${LATENCY_GROUP} resolved`).length },
      duplicates_left_out: Math.max(0, ...metrics.map((m) => m.duplicates)),
      redelivered_apart: metrics.reduce((n, m) => n + m.apart, 0),
      late_partials: metrics.reduce((n, m) => n + m.latePartials, 0),
      batches: batches.length,
      stream_messages: (await (await nc.jetstreamManager()).streams.info(base.nats.stream)).state.messages,
      redelivered_already_counted: metrics.reduce((n, m) => n + m.recounted, 0),
      leaders_at_end: metrics.filter((m) => m.leader).length,
      elapsed_s: (Date.now() - t0) / 1000,
    };
  } catch (e) {
    throw withLogTails(e, collectors);
  } finally {
    await Promise.all(collectors.map((c) => c.stop()));
    await nc?.close().catch(() => undefined);
    await Promise.all([nats.stop(), influx.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function collectorConfig(natsUrls: string, influxUrl: string): CollectorConfig {
  const c = structuredClone(DEFAULTS);
  c.nats.url = natsUrls;
  // The derived 10 s: shorter, a loaded machine misses keep-alives and JetStream hands held messages to another live replica.
  c.nats.ackWaitMs = 0;
  c.influx.url = influxUrl;
  c.influx.database = 'cluster';
  c.influx.flushIntervalMs = 100;
  c.windows.allowedLatenessMs = 1000;
  // Longer than any pause a stopped node causes, so the windows close by event time, not idleness.
  c.windows.idleGraceMs = 8000;
  c.cluster = { ...c.cluster, enabled: true, leaseTtlMs: 3000, streamReplicas: 3 };
  // One latency incident (incidentOf), told once firing and once resolved, whichever replica leads.
  c.alerts.latencyP95MaxMs = LATENCY_TARGET_MS;
  c.alerts.forMs = 20_000;
  c.alerts.keepFiringForMs = 10_000;
  c.alerts.groupWaitMs = 1000;
  c.logLevel = 'info';
  return c;
}

/** Streams with 3 replicas, made before the collectors (which keep a stream that exists). */
async function createReplicatedStreams(jsm: JetStreamManager, config: CollectorConfig): Promise<void> {
  const common = { storage: StorageType.File, num_replicas: 3, duplicate_window: nanos(120_000) };
  await jsm.streams.add({ name: config.nats.stream, subjects: [EVENTS_FILTER], ...common });
  await jsm.streams.add({ name: config.nats.deadLetterStream, subjects: [DEAD_LETTER_SUBJECT], ...common });
  await ensureStreams(jsm, streamSettingsOf(config));
  await ensureClusterStream(jsm, config.cluster);
}

export interface Collector {
  replica: string;
  child: ChildProcess;
  /** Its stdout and stderr. */
  logFile: string;
  metrics(): Promise<{ up: boolean; leader: boolean; latePartials: number; recounted: number; duplicates: number; apart: number }>;
  /** One figure of its /metrics (0 when absent). */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export async function spawnCollector(base: CollectorConfig, replica: string, logDir: string): Promise<Collector> {
  const config = structuredClone(base);
  config.replica = replica;
  config.http.port = await freePort();
  const file = join(logDir, `collector-${replica}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, ['bin/starwatch.js', 'collector', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = join(logDir, `collector-${replica}.log`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${config.http.port}/metrics`;
  const valueIn = (text: string, name: string) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm'))?.[1] ?? 0);
  // A collector that stops answering (its event loop held) is a failed check, not a wait without end.
  const scrape = async () => (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  return {
    replica,
    child,
    logFile,
    metric: async (name) => valueIn(await scrape(), name),
    async metrics() {
      if (child.exitCode !== null || child.signalCode !== null) return { up: false, leader: false, latePartials: 0, recounted: 0, duplicates: 0, apart: 0 };
      const text = await scrape();
      const value = (name: string) => valueIn(text, name);
      return {
        up: true,
        leader: value('starwatch_collector_cluster_leader') === 1,
        latePartials: value('starwatch_collector_cluster_late_partials'),
        recounted: value('starwatch_collector_cluster_redelivered_counted_total'),
        duplicates: value('starwatch_collector_cluster_duplicate_messages'),
        apart: value('starwatch_collector_cluster_redelivered_apart_total'),
      };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The error with the end of each collector's log, which says where a stuck run was. */
function withLogTails(e: unknown, collectors: Collector[], lines = 20): Error {
  const tails = collectors.map((c) => {
    let text: string;
    try {
      text = readFileSync(c.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch (read) {
      text = `(unreadable: ${(read as Error).message})`;
    }
    return `--- ${c.replica} (last ${lines} lines of its log)\n${text}`;
  });
  const error = e instanceof Error ? e : new Error(String(e));
  error.message = [error.message, ...tails].join('\n');
  return error;
}

/** The one collector that says it leads, or undefined while none or several do. */
async function soleLeader(collectors: Collector[]): Promise<Collector | undefined> {
  const states = await Promise.all(collectors.map(async (c) => ({ c, m: await c.metrics().catch(() => ({ up: false, leader: false })) })));
  const leaders = states.filter((s) => s.m.leader);
  return leaders.length === 1 ? leaders[0].c : undefined;
}

const LATENCY_TARGET_MS = 1000;
const LATENCY_GROUP = 'latency|overall';

/** The latency incident: the middle fifth of the events' span (10 s windows), 1.5 s slower. */
function incidentOf(firstMs: number, lastMs: number): { from: number; to: number } {
  const at = (share: number) => Math.floor((firstMs + share * (lastMs - firstMs)) / 10_000) * 10_000;
  return { from: at(0.4), to: at(0.6) };
}

/**
 * Events of `minutes` whole minutes of event time, ending 5 minutes ago, latencies of 1-400 ms,
 * and 1.5 s more in the incident (incidentOf).
 */
export function makeEvents(n: number, minutes: number): InferenceEvent[] {
  const start = (Math.floor(Date.now() / 60_000) - minutes - 5) * 60_000;
  const span = minutes * 60_000;
  const times = Array.from({ length: n }, (_, i) => start + Math.floor((i * span) / n));
  const incident = incidentOf(times[0], times[times.length - 1]);
  return times.map((tsMs, i) => {
    const slower = tsMs >= incident.from && tsMs < incident.to ? 1500 : 0;
    const prob = (i % 10) / 10;
    return {
      v: 1,
      event_id: `e-${i}`,
      agent_id: `agent-${i % AGENTS}`,
      ts_ns: `${tsMs}${String(i % 1_000_000).padStart(6, '0')}`,
      source: 'scan',
      model: { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) },
      input: { format: 'PNG', bytes: 10_000, width: 256, height: 256 },
      timings: { decode_ms: 0.5, preprocess_ms: 0.5, infer_ms: 1, total_ms: 1 + ((i * 7919) % 3991) / 10 + slower },
      outputs: { stego_prob: prob, is_stego: prob >= 0.5, method: prob >= 0.5 ? 'alpha' : null, method_prob: prob >= 0.5 ? 0.9 : null, bit_order: null },
      error_code: null,
    } satisfies InferenceEvent;
  });
}

export interface Batch {
  agent: string;
  seq: number;
  data: Uint8Array;
}

/** Per agent, batches of BATCH in time order; interleaved across agents as live agents send. */
export function toBatches(events: InferenceEvent[]): Batch[] {
  const perAgent = Array.from({ length: AGENTS }, (_, a) => events.filter((e) => e.agent_id === `agent-${a}`));
  const batches: Batch[] = [];
  for (let i = 0; ; i += BATCH) {
    const round = perAgent.filter((list) => i < list.length);
    if (round.length === 0) return batches;
    for (const list of round) batches.push({ agent: list[0].agent_id, seq: i / BATCH, data: encodeBatch(list[0].agent_id, i / BATCH, list.slice(i, i + BATCH)) });
  }
}

/**
 * Publishes with JetStream acks at a steady rate, retrying through a node outage (Nats-Msg-Id
 * dedupes) until `deadline` (epoch ms).
 */
export async function publishAtRate(nc: NatsConnection, batches: Batch[], perSecond: number, before: (i: number) => Promise<void>, deadline = Date.now() + 300_000): Promise<void> {
  const js = nc.jetstream();
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < batches.length; i++) {
    await before(i);
    const due = started + (i * 1000) / perSecond;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const b = batches[i];
    inFlight.push(
      (async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            await js.publish(eventsSubject(b.agent), b.data, { msgID: `${b.agent}:${b.seq}`, timeout: 5000 });
            return;
          } catch (e) {
            if (Date.now() > deadline) throw new Error(`batch ${i} not acked after ${attempt} attempts: ${(e as Error).message}`);
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      })(),
    );
  }
  await Promise.all(inFlight);
}

/** What a single collector computes: one engine over every event, its overall minute windows. */
export function expectedMinutes(events: InferenceEvent[]): { start: number; count: number; p95: number }[] {
  const engine = new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 0, replica: '0' });
  let last = 0;
  for (const e of events) {
    const ms = eventMs(e);
    last = Math.max(last, ms);
    engine.add(e, ms, 0);
  }
  return engine
    .advance(last + 10 * 60_000)
    .filter((r) => r.granularity === '1m' && r.agent === '*' && r.model_version === '*')
    .map((r) => ({ start: r.start, count: r.fields.count, p95: r.fields.latency_p95 }));
}

const eventMs = (e: InferenceEvent): number => Number(e.ts_ns.slice(0, -6));

async function influxQL(url: string, q: string): Promise<any[]> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q, db: 'cluster', epoch: 'ms' }) });
  const body: any = await res.json();
  if (!res.ok || body.results?.[0]?.error) throw new Error(`${q}: ${JSON.stringify(body)}`);
  return body.results[0].series?.[0]?.values ?? [];
}

export async function mergedMinutes(url: string): Promise<{ start: number; count: number; p95: number }[]> {
  const rows = await influxQL(url, `SELECT "count", "latency_p95" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' AND "replica" = '${MERGED_REPLICA}'`);
  return rows.map(([start, count, p95]) => ({ start, count, p95 }));
}

export async function oneSecondSum(url: string): Promise<number> {
  const [row] = await influxQL(url, `SELECT sum("count") FROM "window" WHERE "granularity" = '1s' AND "agent" = '*' AND "model_version" = '*' AND "replica" = '${MERGED_REPLICA}'`);
  return row?.[1] ?? 0;
}
