// Hostile input against the collector (issue 19, items 4 and 5), each attack on a collector child
// process (`node bin/starwatch.js collector`) against a real nats-server and influxd: peak RSS
// (VmHWM) against the shipped k8s limit, /healthz p99 while the attack runs, and what the
// collector counted. Run alone: `node --import tsx bench/hostile/collector.ts` (JSON out).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { DEFAULTS, type CollectorConfig } from '../../collector/config.ts';
import { startInflux, type LocalInflux } from '../../deploy/local/influxd.ts';
import { startNats, type LocalNats } from '../../deploy/local/nats.ts';
import { freePort } from '../../deploy/local/ports.ts';
import { waitFor } from '../../deploy/local/wait.ts';
import { encodeBatch } from '../../agent/publish/batch-encoding.ts';
import { CBOR_MAGIC, MAX_CBOR_BYTES } from '../../schemas/cbor-batch.ts';
import { eventsSubject } from '../../schemas/subjects.ts';
import { benchEvent } from '../pipeline.ts';
import { healthzP99During } from './healthz-probe.ts';
import { rssMb } from '../process-memory.ts';
import type { HostileAttack, HostileResult } from './types.ts';

const encoder = new TextEncoder();
const MESSAGES = Number(process.env.HOSTILE_MESSAGES ?? 50);

/** The collector's memory limit in deploy/k8s/collector.yaml, in MB. */
function collectorLimitMb(): number {
  const yaml = readFileSync('deploy/k8s/collector.yaml', 'utf8');
  const m = /limits:\s*\{[^}]*memory:\s*(\d+)(Mi|Gi)/.exec(yaml);
  if (!m) throw new Error('no memory limit in deploy/k8s/collector.yaml');
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

interface Rig {
  nats: LocalNats;
  influx: LocalInflux;
  nc: NatsConnection;
  child: ChildProcess;
  httpUrl: string;
}

/** nats-server, influxd (optionally with a small max-body-size) and a collector child process. */
async function withRig<T>(name: string, influxMaxBody: number | undefined, run: (rig: Rig) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `starwatch-hostile-${name}-`));
  let nats: LocalNats | undefined;
  let influx: LocalInflux | undefined;
  let nc: NatsConnection | undefined;
  let child: ChildProcess | undefined;
  try {
    [nats, influx] = await Promise.all([startNats(join(dir, 'nats')), startInflux(join(dir, 'influx'), undefined, { maxBodySize: influxMaxBody })]);
    const config: CollectorConfig = structuredClone(DEFAULTS);
    config.nats.url = nats.url;
    config.influx.url = influx.url;
    config.http.port = await freePort();
    config.logLevel = 'warn';
    const configFile = join(dir, 'collector.json');
    writeFileSync(configFile, JSON.stringify(config));
    // HOSTILE_PROFILE_DIR: the collector writes its V8 CPU profile there on stop (where the time goes).
    const profile = process.env.HOSTILE_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HOSTILE_PROFILE_DIR}`] : [];
    child = spawn(process.execPath, [...profile, 'bin/starwatch.js', 'collector', '--config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    const httpUrl = `http://127.0.0.1:${config.http.port}`;
    await waitFor(async () => (await fetch(`${httpUrl}/readyz`).catch(() => undefined))?.status === 200, { timeoutMs: 60_000, what: 'the collector ready' });
    nc = await connect({ servers: nats.url });
    return await run({ nats, influx, nc, child, httpUrl });
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await nc?.close().catch(() => undefined);
    await Promise.all([nats?.stop(), influx?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function counters(httpUrl: string, names: string[]): Promise<Record<string, number>> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const name = names.find((n) => line.startsWith(`starwatch_collector_${n}`));
    if (name) out[line.slice('starwatch_collector_'.length, line.lastIndexOf(' '))] = Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

const COUNTED = ['dead_letters_total', 'messages_terminated_total', 'messages_total', 'events_total', 'points_written_total', 'points_rejected_total', 'dead_letters_lost_total'];

/** Publishes `messages`, waits until the collector terminated (or stored) them all, measures. */
function attack(name: string, messages: () => Uint8Array[], settled: (c: Record<string, number>) => boolean, influxMaxBody?: number): HostileAttack {
  return () =>
    withRig(name, influxMaxBody, async (rig): Promise<HostileResult> => {
      const js = rig.nc.jetstream();
      const healthzP99Ms = await healthzP99During(`${rig.httpUrl}/healthz`, async () => {
        for (const data of messages()) await js.publish(eventsSubject('agent-h'), data);
        await waitFor(async () => settled(await counters(rig.httpUrl, COUNTED)), { timeoutMs: 180_000, what: `${name} settled` });
      });
      return { attack: name, target: 'collector', peakRssMb: rssMb(rig.child.pid!, 'peak'), limitMb: collectorLimitMb(), healthzP99Ms, counted: await counters(rig.httpUrl, COUNTED) };
    });
}

const zeros = () => encoder.encode(`{"v":1,"agent_id":"agent-h","seq":1,"events":[${Array(100_000).fill('0').join(',')}]}`);
const nested = () => encoder.encode(`{"v":1,"agent_id":"agent-h","seq":1,"events":[${'['.repeat(200_000)}${']'.repeat(200_000)}]}`);
const MODEL = { id: 'starlight-v4', version: 'v4.0.0', sha256: 'a'.repeat(64) };
const badEvents = () => {
  const now = Date.now();
  const events = Array.from({ length: 2000 }, (_, i) => ({ ...benchEvent(i, 'agent-h', now, MODEL), source: 'nope' }));
  return encoder.encode(JSON.stringify({ v: 1, agent_id: 'agent-h', seq: 1, events }));
};
/** A v4 (CBOR) message of MAX_CBOR_BYTES: an array of empty maps, the most objects one decode makes. */
const cborMaps = () => {
  const items = MAX_CBOR_BYTES - CBOR_MAGIC.length - 5;
  const data = new Uint8Array(MAX_CBOR_BYTES).fill(0xa0);
  data.set(CBOR_MAGIC);
  data[CBOR_MAGIC.length] = 0x9a;
  new DataView(data.buffer).setUint32(CBOR_MAGIC.length + 1, items);
  return data;
};
/** A v4 (CBOR) message of MAX_CBOR_BYTES nested arrays: the decoder's stack overflows (poison). */
const cborNested = () => {
  const data = new Uint8Array(MAX_CBOR_BYTES).fill(0x81);
  data.set(CBOR_MAGIC);
  data[data.length - 1] = 0;
  return data;
};
/**
 * Timings of 1e300 ms, each event in a 1 s window of its own (later seconds, within the 5 min
 * the collector takes ahead of its clock): unbounded, each window's latency sketch grew to cover
 * the value (schemas/event-fields.ts MAX_TIMING_MS says what that cost). Now refused (bad_event).
 */
const HUGE_TIMING_MESSAGES = 4;
const hugeTimings = (seq: number) => {
  const now = Date.now();
  const events = Array.from({ length: 10 }, (_, i) => {
    const event = benchEvent(seq * 10 + i, 'agent-h', now + (seq * 10 + i) * 1000, MODEL);
    return { ...event, timings: { ...event.timings, total_ms: 1e300 } };
  });
  return encodeBatch('agent-h', seq, events);
};
const goodBatch = (seq: number) => {
  const now = Date.now();
  return encodeBatch('agent-h', seq, Array.from({ length: 1000 }, (_, i) => benchEvent(seq * 1000 + i, 'agent-h', now - 1000, MODEL)));
};
const terminated = (n: number) => (c: Record<string, number>) => c.messages_terminated_total >= n;
/** Taken, valid or not (messages_total by outcome): settles for a collector that accepts them too. */
const taken = (n: number) => (c: Record<string, number>) => Object.entries(c).reduce((sum, [k, v]) => (k.startsWith('messages_total') ? sum + v : sum), 0) >= n;

/** No attack: what /healthz costs on this machine right now, to read the others against. */
const baseline: HostileAttack = () =>
  withRig('collector-baseline', undefined, async (rig): Promise<HostileResult> => {
    const healthzP99Ms = await healthzP99During(`${rig.httpUrl}/healthz`, () => new Promise((r) => setTimeout(r, 5000)));
    return { attack: 'collector-baseline', target: 'collector', peakRssMb: rssMb(rig.child.pid!, 'peak'), limitMb: collectorLimitMb(), healthzP99Ms, counted: await counters(rig.httpUrl, COUNTED) };
  });

export const attacks: Record<string, HostileAttack> = {
  'collector-baseline': baseline,
  'collector-100k-zeros': attack('collector-100k-zeros', () => Array.from({ length: MESSAGES }, zeros), terminated(MESSAGES)),
  'collector-nested-200k': attack('collector-nested-200k', () => Array.from({ length: MESSAGES }, nested), terminated(MESSAGES)),
  'collector-cbor-maps': attack('collector-cbor-maps', () => Array.from({ length: MESSAGES }, cborMaps), terminated(MESSAGES)),
  'collector-cbor-nested': attack('collector-cbor-nested', () => Array.from({ length: MESSAGES }, cborNested), terminated(MESSAGES)),
  'collector-2000-bad-events': attack('collector-2000-bad-events', () => Array.from({ length: MESSAGES }, badEvents), terminated(MESSAGES)),
  'collector-huge-timings': attack('collector-huge-timings', () => Array.from({ length: HUGE_TIMING_MESSAGES }, (_, seq) => hugeTimings(seq)), taken(HUGE_TIMING_MESSAGES)),
  // influxd refusing bodies over 4 KiB: every raw point must still be written (split on 413).
  'collector-influx-413': attack(
    'collector-influx-413',
    () => Array.from({ length: 20 }, (_, i) => goodBatch(i)),
    (c) => c.points_written_total >= 20_000,
    4096,
  ),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const results: HostileResult[] = [];
  for (const run of Object.values(attacks)) results.push(await run());
  console.log(JSON.stringify(results, null, 2));
}
