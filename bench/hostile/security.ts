// Hostile input, security and cardinality part (issue 19 items 6 and 8): each attack starts a
// real collector as its own child process (node bin/starwatch.js collector) against a real
// nats-server and influxd, attacks it while /healthz is probed, reads its peak RSS (VmHWM) and
// what it counted on /metrics, and stops everything. Alone:
//   node --import tsx bench/hostile/security.ts        (prints the results as JSON)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { startInflux, type LocalInflux } from '../../deploy/local/influxd.ts';
import { startNats, type LocalNats } from '../../deploy/local/nats.ts';
import { freePort } from '../../deploy/local/ports.ts';
import { waitFor } from '../../deploy/local/wait.ts';
import type { EventBatch, InferenceEvent } from '../../schemas/inference-event.ts';
import { eventsSubject } from '../../schemas/subjects.ts';
import { healthzP99During } from './healthz-probe.ts';
import { rssMb } from '../process-memory.ts';
import { upgradeStatus } from './ws-upgrade.ts';
import type { HostileAttack, HostileResult } from './types.ts';

/** deploy/k8s/collector.yaml: limits.memory 2Gi. */
const COLLECTOR_LIMIT_MB = 2048;
const READ_TOKEN = 'bench-hostile-read-token-3b9f17c2';
const WRITE_TOKEN = 'bench-hostile-write-token-8e41d0a6';

interface Services {
  nats: LocalNats;
  influx: LocalInflux;
}

interface Collector {
  child: ChildProcess;
  httpUrl: string;
  apiUrl: string;
}

async function withCollector(attack: string, run: (s: Services, c: Collector) => Promise<Record<string, number>>): Promise<HostileResult> {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-hostile-sec-'));
  let services: Partial<Services> = {};
  let child: ChildProcess | undefined;
  try {
    const [nats, influx] = await Promise.all([startNats(join(dir, 'nats')), startInflux(join(dir, 'influx'))]);
    services = { nats, influx };
    const [httpPort, apiPort] = [await freePort(), await freePort()];
    // HOSTILE_PROFILE_DIR: the collector writes its V8 CPU profile there on stop (as in collector.ts).
    const profile = process.env.HOSTILE_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HOSTILE_PROFILE_DIR}`] : [];
    child = spawn(
      process.execPath,
      [...profile, 'bin/starwatch.js', 'collector', '--nats-url', nats.url, '--influx-url', influx.url, '--http-port', String(httpPort), '--api-port', String(apiPort), '--log-level', 'error'],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, STARWATCH_API_TOKEN: READ_TOKEN, STARWATCH_API_WRITE_TOKEN: WRITE_TOKEN } },
    );
    const collector = { child, httpUrl: `http://127.0.0.1:${httpPort}`, apiUrl: `http://127.0.0.1:${apiPort}` };
    await waitFor(async () => (await fetch(`${collector.httpUrl}/readyz`).catch(() => null))?.ok === true, { what: 'the collector ready', timeoutMs: 60_000 });
    let counted: Record<string, number> = {};
    const healthzP99Ms = await healthzP99During(`${collector.httpUrl}/healthz`, async () => {
      counted = await run(services as Services, collector);
    });
    return { attack, target: 'collector', peakRssMb: rssMb(child.pid!, 'peak'), limitMb: COLLECTOR_LIMIT_MB, healthzP99Ms, counted };
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await waitFor(() => child!.exitCode !== null || child!.signalCode !== null, { what: 'the collector to stop', timeoutMs: 15_000 }).catch(() => child!.kill('SIGKILL'));
    }
    await Promise.all([services.nats?.stop(), services.influx?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sample values of /metrics whose name (with labels) matches `pattern`. */
async function metrics(url: string, pattern: RegExp): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line);
    if (m && pattern.test(m[1])) out[m[1]] = Number(m[2]);
  }
  return out;
}

function event(i: number, version: string, tsMs: number): InferenceEvent {
  return {
    v: 1,
    event_id: `hostile-${i}`,
    agent_id: 'agent-hostile',
    ts_ns: `${tsMs}000000`,
    source: 'scan',
    model: { id: 'starlight-v4', version, sha256: 'a'.repeat(64) },
    input: { format: 'PNG', bytes: 1000, width: 64, height: 64 },
    timings: { decode_ms: 0.5, preprocess_ms: 0.5, infer_ms: 1, total_ms: 2 },
    outputs: { stego_prob: 0.1, is_stego: false, method: null, method_prob: null, bit_order: null },
    error_code: null,
  };
}

export const attacks: Record<string, HostileAttack> = {
  /** The probe, ten times over: 50 messages of 1,000 events, each with a new model version. */
  'collector-new-model-versions': () =>
    withCollector('collector-new-model-versions', async (s, c) => {
      const nc = await connect({ servers: s.nats.url });
      try {
        const js = nc.jetstream();
        const now = Date.now();
        const messages = 50;
        for (let m = 0; m < messages; m++) {
          const events = Array.from({ length: 1000 }, (_, i) => event(m * 1000 + i, `junk-${m}-${i}`, now - 1000 + i));
          const batch: EventBatch = { v: 1, agent_id: 'agent-hostile', seq: m, events };
          await js.publish(eventsSubject('agent-hostile'), new TextEncoder().encode(JSON.stringify(batch)), { msgID: `hostile-${m}` });
        }
        const valid = 'starwatch_collector_events_total{outcome="valid"}';
        await waitFor(async () => (await metrics(c.httpUrl, /^starwatch_collector_events_total/))[valid] === messages * 1000, { what: 'every event counted', timeoutMs: 120_000 });
        return metrics(c.httpUrl, /^starwatch_collector_(events_total|keys_overflowed_total)/);
      } finally {
        await nc.close();
      }
    }),

  /** 3,000 requests and 300 WebSocket upgrades with guessed tokens, 20 at a time. */
  'collector-token-guessing': () =>
    withCollector('collector-token-guessing', async (_s, c) => {
      let next = 0;
      const guess = async () => {
        while (next < 3300) {
          const i = next++;
          if (i < 3000) await fetch(`${c.apiUrl}/metrics/stats`, { headers: { authorization: `Bearer guess-${i}` } }).then((r) => r.arrayBuffer());
          else await upgradeStatus(`${c.apiUrl}/ws?token=guess-${i}`).catch(() => 0);
        }
      };
      await Promise.all(Array.from({ length: 20 }, guess));
      const stillServed = (await fetch(`${c.apiUrl}/health`)).status;
      return { ...(await metrics(c.httpUrl, /^starwatch_collector_api_auth_refused_total/)), health_status_without_token: stillServed };
    }),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const results: HostileResult[] = [];
  for (const attack of Object.values(attacks)) results.push(await attack());
  console.log(JSON.stringify(results, null, 2));
}
