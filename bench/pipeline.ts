// starwatch bench pipeline: events/s from publishers through the collector (a child process, as
// deployed) into InfluxDB, with events lost and duplicated (both must be 0), end-to-end delay p99
// (event time -> raw point accepted), collector RSS over the run, and, on the same influxd in the
// same run, its raw ingest rate for the same lines in the collector's batch size and concurrency
// (measured before and after; the better one counts) and our ratio to it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { connect } from 'nats';
import { HOT_PATH_OPTIONS } from '../agent/publish/connection.ts';
import { DEFAULTS } from '../collector/config.ts';
import { ensureStreams } from '../collector/consume/streams.ts';
import { streamSettingsOf } from '../collector/start.ts';
import { startInflux } from '../deploy/local/influxd.ts';
import { startNats } from '../deploy/local/nats.ts';
import { freePort } from '../deploy/local/ports.ts';
import { waitFor } from '../deploy/local/wait.ts';
import { inferenceLine } from '../collector/points/inference-line.ts';
import { Encoder } from 'cbor-x/encode';
import { CBOR_MAGIC, decodeCborBatch, encodeCborBatch, MAX_CBOR_BYTES } from '../schemas/cbor-batch.ts';
import { compactColumns, type CompactColumns } from '../schemas/compact-columns.ts';
import { toColumns } from '../schemas/event-columns.ts';
import type { InferenceEvent } from '../schemas/inference-event.ts';
import { eventsSubject } from '../schemas/subjects.ts';
import { ms, roundProbability } from '../agent/events/build.ts';
import { cpuMeter } from './process-cpu.ts';
import { rssMb } from './process-memory.ts';
import type { Bench, BenchReport } from './registry.ts';

const AGENTS = 4;
/** Events a message by default: about the agents' own batch size (256). */
const BATCH = 250;
const SLOTS = 16;
/**
 * Events sent before the clock starts. A collector's first events run cold code (V8 compiles its
 * hot functions as they heat up; the first event of every window key and tag set builds them): a
 * staging collector runs for days, so the figures are a warm one's.
 */
const WARMUP = 100_000;

export const pipelineBench: Bench = {
  name: 'pipeline',
  description: 'NATS -> collector -> InfluxDB: events/s, lost, duplicated, delay p99, RSS, ratio to raw influxd ingest',
  addOptions: (c: Command) =>
    c
      .option('--events <n>', 'events to send', '1000000')
      .option('--rate <n>', 'target publish rate, events/s (0 = as fast as possible)', '0')
      .option('--profile <dir>', "write the collector's V8 CPU profile (.cpuprofile) into this folder")
      .option('--batch <n>', 'events a message (agents send up to their batchSize, 256 by default)', String(BATCH))
      .option('--warmup <n>', 'events sent before the clock starts, from agents of their own, to warm the collector', String(WARMUP))
      .option('--raw-share <share>', 'share of clean negatives kept as raw points (collector rawShare; 1 = all)', '1')
      .option('--error-share <share>', 'share of events that failed (no verdict; always kept raw)', String(STRESS_MIX.errorShare))
      .option('--stego-share <share>', 'share of verdicts flagged stego (always kept raw)', String(STRESS_MIX.stegoShare)),
  run: (o) =>
    runPipelineBench(Number(o.events ?? 1_000_000), Number(o.rate ?? 0), o.profile as string | undefined, Number(o.rawShare ?? 1), {
      errorShare: Number(o.errorShare ?? STRESS_MIX.errorShare),
      stegoShare: Number(o.stegoShare ?? STRESS_MIX.stegoShare),
    }, Number(o.batch ?? BATCH), Number(o.warmup ?? WARMUP)),
};

/** What share of the bench's events failed, and of the rest, were flagged stego. */
export interface EventMix {
  errorShare: number;
  stegoShare: number;
}

/**
 * The default: many failures and positives, so every path of the windows and sinks is busy. With
 * a raw share below 1 it is also the hard case: 28% of events must be kept raw (policy), against
 * a few percent on a staging detector (FPR <= 1%, few stego images, few broken files).
 */
export const STRESS_MIX: EventMix = { errorShare: 0.1, stegoShare: 0.2 };

async function runPipelineBench(events: number, rate: number, profileDir: string | undefined, rawShare: number, mix: EventMix, batch: number, warmup: number): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-bench-'));
  const nats = await startNats(join(dir, 'nats'));
  const influx = await startInflux(join(dir, 'influx'));
  try {
    const rawPoints = Math.min(events, 1_000_000);
    const config = structuredClone(DEFAULTS);
    const rawBefore = await influxRawIngest(influx.url, 'raw_before', rawPoints, config.influx, mix);
    config.nats.url = nats.url;
    config.influx.url = influx.url;
    config.influx.database = 'bench';
    config.http.port = await freePort();
    config.logLevel = 'warn';
    config.rawShare = rawShare;
    // nats.js's default pendingLimit (32 KiB): a write a batch or two, about as nats-server reads
    // agents on hosts of their own. Gathering 256 KiB a write cut nats-server's CPU by a third
    // and raised the rate to 360-440k events/s, a gain no real set of agents would see.
    const nc = await connect({ ...HOT_PATH_OPTIONS, servers: nats.url });
    await ensureStreams(await nc.jetstreamManager(), streamSettingsOf(config));
    const configFile = join(dir, 'collector.json');
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'bin/starwatch.js', 'collector', '--config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    const metricsUrl = `http://127.0.0.1:${config.http.port}/metrics`;
    await waitFor(async () => (await fetch(metricsUrl)).ok, { timeoutMs: 30_000, what: 'the collector' });

    // Read from /proc, not /metrics: a scrape costs the collector a few ms of the CPU counted.
    const rss: number[] = [];
    const sampler = setInterval(() => {
      try {
        rss.push(rssMb(child.pid!, 'now'));
      } catch {
        // The collector has exited: the wait for its events fails and says so.
      }
    }, 500);
    // Made before the clock starts: real agents encode on their own hosts.
    const templates = publisherTemplates(mix, batch, 'bench');
    // The warm-up's agents have names of their own (so their message ids are not the run's
    // duplicates), and its events end before the first whole second of the run, the start of
    // every count below.
    let countFromMs: number | undefined;
    if (warmup > 0) {
      await publish(nc, warmup, 0, mix, batch, publisherTemplates(mix, batch, 'warm'), 'warm');
      await waitFor(async () => {
        const m = await scrape(metricsUrl);
        return m.valid >= warmup && m.backlog === 0;
      }, { timeoutMs: 120_000, intervalMs: 50, what: 'the warm-up events written' });
      countFromMs = Math.ceil(Date.now() / 1000) * 1000;
      await new Promise((resolve) => setTimeout(resolve, countFromMs! - Date.now()));
    }
    const cpu = cpuMeter({ publishers: process.pid, nats: nats.process.child.pid!, collector: child.pid!, influxd: influx.process.child.pid! });
    const t0 = Date.now();
    countFromMs ??= t0 - 1000;
    await publish(nc, events, rate, mix, batch, templates, 'bench');
    const publishedMs = Date.now() - t0;
    const last = await waitFor(
      async () => {
        const m = await scrape(metricsUrl);
        // With a raw share below 1 fewer points than events are written: every event decoded and
        // nothing left to write is the same moment.
        return m.valid >= warmup + events && m.backlog === 0 && (rawShare < 1 || m.points >= warmup + events) && m;
      },
      { timeoutMs: 600_000, intervalMs: 100, what: 'every event written' },
    );
    const elapsedMs = Date.now() - t0;
    const cpuSeconds = cpu();
    // Sampled raw points cannot show a loss: the 1 s windows (which count every event) must, read
    // while the collector still runs to close them.
    const windowed = rawShare < 1 ? await windowedCount(influx.url, countFromMs, t0 + publishedMs + 2000, events) : undefined;
    clearInterval(sampler);
    child.kill('SIGTERM');
    await nc.close();
    // Measured again after: this machine's speed drifts (a VM), and the better of the two is
    // the fairer (harder) baseline.
    const rawAfter = await influxRawIngest(influx.url, 'raw_after', rawPoints, config.influx, mix);
    const rawRate = Math.max(rawBefore, rawAfter);
    // Event times are publish times (to the ms) plus less than 1 ms of ids.
    const stored = await storedCounts(influx.url, countFromMs, t0 + publishedMs + 2000);
    const counted = windowed ?? stored.distinct;
    const eventsPerS = events / (elapsedMs / 1000);
    const half = rss.slice(Math.floor(rss.length / 2));
    const data = {
      events,
      warmup_events: warmup,
      elapsed_s: elapsedMs / 1000,
      publish_s: publishedMs / 1000,
      events_per_s: Math.round(eventsPerS),
      lost: events - counted,
      duplicated: stored.total - stored.distinct,
      delay_p99_ms: last.delayP99,
      collector_peak_rss_mb: Math.max(...rss),
      collector_rss_mb_first_half_max: Math.max(...rss.slice(0, Math.floor(rss.length / 2))),
      collector_rss_mb_second_half_max: Math.max(...half),
      influxd_raw_points_per_s: Math.round(rawRate),
      influxd_raw_points_per_s_before_after: `${Math.round(rawBefore)} / ${Math.round(rawAfter)}`,
      ratio: Number((eventsPerS / rawRate).toFixed(3)),
      raw_share: rawShare,
      error_share: mix.errorShare,
      stego_share: mix.stegoShare,
      batch,
      raw_points: stored.total,
      cpu_s: Object.entries(cpuSeconds).map(([name, s]) => `${name} ${s}`).join(', '),
    };
    const text = Object.entries(data)
      .map(([k, v]) => `${k.padEnd(34)} ${v}`)
      .join('\n');
    return { name: 'pipeline', text, data };
  } finally {
    await Promise.all([nats.stop(), influx.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Publishes batches of `batch` events from AGENTS agents, event time = now, with JetStream acks.
 * Like the raw ingest baseline's ready-made bodies, the batches are made cheaply: the agent's own
 * encoder makes one template per agent and slot (varied timings, verdicts, failures), and each
 * batch only adds its event ids, times and seq. Real agents encode on their own hosts; here that
 * work would only take CPU from the pipeline under test.
 */
async function publish(nc: Awaited<ReturnType<typeof connect>>, total: number, rate: number, mix: EventMix, batch: number, templates: Template[][], agents: string): Promise<void> {
  const js = nc.jetstream();
  const timeLengths = new Uint8Array(batch).fill(19);
  let sent = 0;
  let seq = 0;
  const start = Date.now();
  const worker = async () => {
    while (sent < total) {
      const n = Math.min(batch, total - sent);
      const first = sent;
      sent += n;
      const a = seq % AGENTS;
      const agent = `${agents}-${a}`;
      const mySeq = seq++;
      if (rate > 0) {
        const due = start + (first / rate) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      const nowMs = Date.now();
      let ids = '';
      let times = '';
      const idLengths = new Uint8Array(n);
      const prefix = eventIdPrefix(agent);
      for (let i = 0; i < n; i++) {
        const id = eventIdAt(prefix, first + i);
        ids += id;
        idLengths[i] = id.length;
        times += `${nowMs}${String((first + i) % 1_000_000).padStart(6, '0')}`;
      }
      const template = n === batch ? templates[a][mySeq % SLOTS] : batchTemplate(agent, mySeq % SLOTS, mix, n);
      const data = template.message(mySeq, { event_id: { text: ids, lengths: idLengths }, ts_ns: { text: times, lengths: timeLengths.subarray(0, n) } });
      await js.publish(eventsSubject(agent), data, { msgID: `${agent}:${mySeq}` });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

type Template = ReturnType<typeof batchTemplate>;

/** Per agent, a template for each slot. */
function publisherTemplates(mix: EventMix, batch: number, agents: string): Template[][] {
  return Array.from({ length: AGENTS }, (_, a) => Array.from({ length: SLOTS }, (_, slot) => batchTemplate(`${agents}-${a}`, slot, mix, batch)));
}

/**
 * Event ids as agents make them (agent/events/event-id.ts): 16 hex digits of the agent, a dash, a
 * base-36 count. Not short ones like `ev-123`: V8's JSON.parse interns every string of up to 10
 * characters, and a million distinct ones cost the collector more than agents' ids ever do.
 */
export function eventIdOf(agent: string, n: number): string {
  return eventIdAt(eventIdPrefix(agent), n);
}

/** The id format itself, so the publishers' loop can look the prefix up once a batch. */
function eventIdAt(prefix: string, n: number): string {
  return `${prefix}-${n.toString(36)}`;
}

function eventIdPrefix(agent: string): string {
  let prefix = ID_PREFIXES.get(agent);
  if (prefix === undefined) ID_PREFIXES.set(agent, (prefix = createHash('sha256').update(agent).digest('hex').slice(0, 16)));
  return prefix;
}
const ID_PREFIXES = new Map<string, string>();

/**
 * The EventBatch v4 message (as agents send it) of `n` events, less its seq, event_id and ts_ns.
 * Its bytes are encoded once: a CBOR map is a header and its pairs one after the other, so a
 * batch's message is the template's pairs with the batch's own after them (cbor-x encoding whole
 * batches took the publishers 0.4 CPU-s a million events, more than the collector's decoding).
 */
function batchTemplate(agent: string, slot: number, mix: EventMix, n: number): { message(seq: number, columns: Record<string, Packed>): Uint8Array } {
  const model = { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) };
  // Stamped now: ts_ns as long as the batches' own, so the size says whether v4 carries them.
  const events = Array.from({ length: n }, (_, i) => benchEvent(slot * n + i, agent, Date.now(), model, mix));
  const v3 = compactColumns(toColumns(agent, 0, events));
  const v4 = encodeCborBatch(v3);
  if (v4 === undefined || v4.length > MAX_CBOR_BYTES - 1024) return jsonTemplate(v3);
  const batch = decodeCborBatch(v4) as { seq?: number; columns: Record<string, unknown> };
  const columns: Record<string, unknown> = { ...batch.columns };
  delete columns.event_id;
  delete columns.ts_ns;
  delete batch.seq;
  const outer = { ...batch, columns: undefined };
  delete outer.columns;
  const head = pairsOf(outer);
  const columnPairs = pairsOf(columns);
  const columnsKey = BENCH_ENCODER.encode('columns');
  return {
    message: (seq, added) => {
      const seqPair = pairsOf({ seq });
      const addedPairs = pairsOf(added);
      return Buffer.concat([CBOR_MAGIC, mapHeader(head.count + 2), head.bytes, seqPair.bytes, columnsKey, mapHeader(columnPairs.count + addedPairs.count), columnPairs.bytes, addedPairs.bytes]);
    },
  };
}

type Packed = { text: string; lengths: Uint8Array };

/** As agents send a batch v4 cannot carry (`--batch` past about 880 events): v3 JSON. */
function jsonTemplate(v3: CompactColumns): { message(seq: number, columns: Record<string, Packed>): Uint8Array } {
  const text = new TextEncoder();
  return {
    message: (seq, added) => {
      const columns = Object.fromEntries(Object.entries(added).map(([name, c]) => [name, { text: c.text, lengths: Array.from(c.lengths) }]));
      return text.encode(JSON.stringify({ ...v3, seq, columns: { ...v3.columns, ...columns } }));
    },
  };
}

const BENCH_ENCODER = new Encoder({ useRecords: false, variableMapSize: true });

/** A map's pairs without its header (one byte for up to 23 pairs). */
function pairsOf(map: object): { count: number; bytes: Uint8Array } {
  const count = Object.keys(map).length;
  if (count > 23) throw new Error('a template map of more than 23 pairs');
  return { count, bytes: BENCH_ENCODER.encode(map).subarray(1) };
}

const mapHeader = (count: number): Uint8Array => Uint8Array.of(0xa0 + count);

/**
 * Event `id`: failed and flagged at the mix's shares, spread evenly over the ids (the stress mix:
 * every tenth failed, a fifth of the rest flagged); timings to the microsecond and probabilities
 * to the millionth, as agents keep them.
 */
export function benchEvent(id: number, agent: string, nowMs: number, model: InferenceEvent['model'], mix = STRESS_MIX): InferenceEvent {
  const prob = ((id * 7919) % 1_000_000) / 1e6;
  const stego = prob >= 1 - mix.stegoShare;
  const failed = Math.floor((id + 1) * mix.errorShare) > Math.floor(id * mix.errorShare);
  // Spread as real scans are (decode ~1.5-3.5 ms, infer ~3.8-5.3 ms), so few values repeat; kept to
  // the microsecond by the agent's own rounding (agent/events/build.ts), as agents send them: the
  // sums unrounded (3.9709999999999996) were 13 more bytes each on the wire and took the slow path
  // of every number formatter.
  const decode = ms(1.5 + ((id * 2654435761) % 2000) / 1000);
  const preprocess = ms(0.5 + ((id * 40503) % 500) / 1000);
  const infer = ms(3.8 + ((id * 2246822519) % 1500) / 1000);
  const total = ms(decode + preprocess + infer + 0.2);
  return {
    v: 1,
    event_id: eventIdOf(agent, id),
    agent_id: agent,
    ts_ns: `${nowMs}${String(id % 1_000_000).padStart(6, '0')}`,
    source: 'scan',
    model,
    input: { format: failed ? 'unknown' : 'PNG', bytes: 20_000 + (id % 50_000), width: 256, height: 256 },
    timings: { decode_ms: decode, preprocess_ms: preprocess, infer_ms: infer, total_ms: total },
    outputs: failed ? null : { stego_prob: prob, is_stego: stego, method: stego ? 'alpha' : null, method_prob: stego ? roundProbability(0.9 + (id % 100_000) / 1e6) : null, bit_order: null },
    error_code: failed ? 'CORRUPT_IMAGE' : null,
  };
}

/**
 * influxd's own ingest rate for the very lines the collector writes for these events (same
 * generator, same formatter), in the collector's batch size with as many writes in flight.
 */
async function influxRawIngest(url: string, database: string, points: number, o: { batchSize: number; maxInFlight: number }, mix: EventMix): Promise<number> {
  await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE ${database}` }) });
  const model = { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) };
  const bodies: string[] = [];
  const baseMs = Date.now();
  for (let b = 0; b < points; b += o.batchSize) {
    const lines: string[] = [];
    for (let i = b; i < Math.min(points, b + o.batchSize); i++) lines.push(inferenceLine(benchEvent(i, `bench-${i % AGENTS}`, baseMs + Math.floor(i / 100_000), model, mix)));
    bodies.push(lines.join('\n'));
  }
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(`${url}/write?db=${database}&precision=ns`, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`influxd raw ingest: HTTP ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: o.maxInFlight }, worker));
  return points / ((Date.now() - t0) / 1000);
}

async function scrape(url: string) {
  const text = await (await fetch(url)).text();
  const value = (re: RegExp) => Number(text.match(re)?.[1] ?? 0);
  return {
    valid: value(/^starwatch_collector_events_total\{outcome="valid"\} (\S+)/m),
    points: value(/^starwatch_collector_points_written_total (\S+)/m),
    backlog: value(/^starwatch_collector_sink_backlog_points (\S+)/m),
    delayP99: value(/^starwatch_collector_event_delay_p99_ms (\S+)/m),
  };
}

/** Events counted by the overall 1 s windows between two times, once they add up to `expected` (or a deadline passes). */
async function windowedCount(url: string, fromMs: number, toMs: number, expected: number): Promise<number> {
  const q = `SELECT sum("count") FROM "window" WHERE "granularity" = '1s' AND "agent" = '*' AND "model_version" = '*' AND time >= ${fromMs}ms AND time < ${toMs}ms`;
  const sum = async (): Promise<number> => {
    const body: any = await (await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q, db: 'bench' }) })).json();
    return body.results?.[0]?.series?.[0]?.values[0][1] ?? 0;
  };
  return waitFor(async () => {
    const n = await sum();
    return n === expected && n;
  }, { timeoutMs: 120_000, what: 'the 1 s windows of every event' }).catch(sum);
}

/**
 * Raw points stored, and distinct event ids among them, between two times. Counted in 10 s
 * slices: a distinct count over a whole long run (30M ids) takes influxd past this machine's
 * memory. An event's slice is fixed by its own timestamp, so the slices add up.
 */
async function storedCounts(url: string, fromMs: number, toMs: number): Promise<{ total: number; distinct: number }> {
  const q = async (s: string): Promise<number> => {
    const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: s, db: 'bench' }) });
    const body: any = await res.json();
    if (body.results?.[0]?.error) throw new Error(`influxd: ${body.results[0].error}`);
    return body.results[0].series?.[0]?.values[0][1] ?? 0;
  };
  const SLICE_MS = 10_000;
  let total = 0;
  let distinct = 0;
  for (let from = fromMs; from < toMs; from += SLICE_MS) {
    const where = `WHERE time >= ${from}ms AND time < ${Math.min(toMs, from + SLICE_MS)}ms`;
    total += await q(`SELECT count("event_id") FROM "raw"."inference" ${where}`);
    distinct += await q(`SELECT count(distinct("event_id")) FROM "raw"."inference" ${where}`);
  }
  return { total, distinct };
}
