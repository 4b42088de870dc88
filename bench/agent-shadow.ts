// `starwatch bench agent --shadow-share 0.1`: what shadowing a candidate does to served latency.
// Two agent servers in this process on one real nats-server, the same model, one of them with a
// candidate in shadow; the same images at a fixed request rate go to each in alternating rounds
// (so machine load hits both alike), and a round ends only once its shadows ran, so none spills
// into the other's round. Served latency is the client's: request sent to answer read.
// Target: served p95 with shadow within 2% of without. The extra cost is the CPU of the process
// per request and the shadow scans' own time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNats } from '../deploy/local/nats.ts';
import { silentLogger } from '../log/logger.ts';
import { startAgentServer, type RunningAgent } from '../agent/server/start.ts';
import { DEFAULT_MODEL_PATH } from '../v4/path.ts';
import { writePhotoSet } from './photo-set.ts';
import { summarise, formatMs } from './stats.ts';
import type { BenchReport } from './registry.ts';

export interface ShadowBenchOptions {
  shadowShare: number;
  model?: string;
  candidateModel?: string;
  /** Requests per variant (default 1200). */
  count?: number;
  rounds?: number;
  /** Requests per second sent to the variant under test (default 20). */
  rate?: number;
}

const IMAGES = 32;
const TARGET_P95_RATIO = 1.02;

interface Round {
  latencies: number[];
  cpuMs: number;
}

/** Sends n requests at `rate`/s without waiting for answers (an open loop, like real clients). */
async function round(agent: RunningAgent, images: Buffer[], n: number, rate: number, offset: number): Promise<Round> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const latencies: number[] = [];
  const sends: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = images[(offset + i) % images.length];
    sends.push(
      (async () => {
        const t = performance.now();
        const res = await fetch(`${agent.url}/v1/scan`, { method: 'POST', body: body as unknown as BodyInit, headers: { 'content-type': 'application/octet-stream' } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`scan answered ${res.status}`);
        latencies.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(sends);
  await agent.shadows?.idle();
  const used = process.cpuUsage(cpu);
  return { latencies, cpuMs: (used.user + used.system) / 1000 };
}

export async function runShadowBench(o: ShadowBenchOptions): Promise<BenchReport> {
  const count = o.count ?? 1200;
  const rounds = o.rounds ?? 12;
  const rate = o.rate ?? 20;
  const model = o.model ?? DEFAULT_MODEL_PATH;
  const candidate = o.candidateModel ?? model;
  const dir = await mkdtemp(join(tmpdir(), 'starwatch-bench-shadow-'));
  const nats = await startNats(join(dir, 'nats'));
  const started: RunningAgent[] = [];
  try {
    const paths = await writePhotoSet(join(dir, 'images'), IMAGES);
    const images = await Promise.all(paths.map((p) => readFile(p)));
    // Admission wide open: the bench measures latency, not refusals under a loaded machine's bursts.
    const admission = { maxInFlight: 1024, maxPixelsInFlight: 1e9 };
    const common = { model, nats: { servers: [nats.url] }, port: 0, host: '127.0.0.1', heartbeatMs: 0, logger: silentLogger, admission };
    const plain = await startAgentServer({ ...common, agentId: 'bench-plain' });
    started.push(plain);
    const shadowed = await startAgentServer({ ...common, agentId: 'bench-shadow', rollout: { candidateModel: candidate, shadowShare: o.shadowShare } });
    started.push(shadowed);
    await round(plain, images, 40, rate, 0); // warm-up
    await round(shadowed, images, 40, rate, 0);
    const per = Math.ceil(count / rounds);
    const got = { plain: [] as number[], shadowed: [] as number[], plainCpu: 0, shadowedCpu: 0 };
    const roundRatios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [plain, shadowed] : [shadowed, plain];
      const results = new Map<RunningAgent, Round>();
      for (const agent of order) results.set(agent, await round(agent, images, per, rate, r * per));
      const a = results.get(plain) as Round;
      const b = results.get(shadowed) as Round;
      got.plain.push(...a.latencies);
      got.shadowed.push(...b.latencies);
      got.plainCpu += a.cpuMs;
      got.shadowedCpu += b.cpuMs;
      roundRatios.push(summarise(b.latencies).p95 / summarise(a.latencies).p95);
    }
    const shadowCounts = shadowed.shadows?.counts ?? { scored: 0, dropped: 0, ms: 0, servedBeside: 0 };
    const p = summarise(got.plain);
    const s = summarise(got.shadowed);
    const ratio = s.p95 / p.p95;
    const medianRound = [...roundRatios].sort((x, y) => x - y)[roundRatios.length >> 1];
    const n = per * rounds;
    const ok = (b: boolean): string => (b ? 'ok' : 'MISSED');
    const text = [
      `images: ${IMAGES} generated photos; ${n} requests per variant at ${rate}/s in ${rounds} alternating rounds; shadow share ${o.shadowShare}, candidate ${candidate}`,
      `served, no shadow:   ${formatMs(p)}`,
      `served, shadow:      ${formatMs(s)}`,
      `p95 ratio:           ${ratio.toFixed(4)} overall, ${medianRound.toFixed(4)} median of ${rounds} rounds (target <= ${TARGET_P95_RATIO}: ${ok(ratio <= TARGET_P95_RATIO)})`,
      `shadow scans:        ${shadowCounts.scored} scored, ${shadowCounts.dropped} dropped, ${(shadowCounts.ms / Math.max(1, shadowCounts.scored)).toFixed(2)} ms each`,
      `served beside one:   ${shadowCounts.servedBeside} of ${n} served scans started while a shadow scan ran (the only ones it can slow down)`,
      `extra cost:          CPU per request ${(got.plainCpu / n).toFixed(2)} -> ${(got.shadowedCpu / n).toFixed(2)} ms (+${((got.shadowedCpu / got.plainCpu - 1) * 100).toFixed(1)}%)`,
    ].join('\n');
    return {
      name: 'agent',
      text,
      data: {
        shadow_share: o.shadowShare,
        requests_per_variant: n,
        rate,
        rounds,
        served_plain: p,
        served_shadow: s,
        p95_ratio: ratio,
        median_round_p95_ratio: medianRound,
        round_p95_ratios: roundRatios,
        shadow_scored: shadowCounts.scored,
        shadow_dropped: shadowCounts.dropped,
        served_beside_shadow: shadowCounts.servedBeside,
        shadow_ms_each: shadowCounts.ms / Math.max(1, shadowCounts.scored),
        cpu_ms_per_request_plain: got.plainCpu / n,
        cpu_ms_per_request_shadow: got.shadowedCpu / n,
        target_p95_ratio: TARGET_P95_RATIO,
      },
    };
  } finally {
    for (const agent of started) await agent.close();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
