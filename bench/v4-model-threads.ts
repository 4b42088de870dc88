// The model alone on ready inputs, onnxruntime's intra-op threads and spinning alternated round by
// round: what a second core gives one image in flight (the in-flight-1 latency of `bench v4`).
// Latency p50 / p95 and CPU a run, and p50 against one thread without spinning (the baseline).
//   node --import tsx bench/v4-model-threads.ts [--model models/v4-reference.onnx] [--runs 200] [--rounds 3]
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { DEFAULT_MODEL_PATH } from '../v4/path.ts';
import { randomBitFeeds } from './model-feeds.ts';
import { summarise } from './stats.ts';

const { values } = parseArgs({ options: { model: { type: 'string', default: DEFAULT_MODEL_PATH }, runs: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const feeds = randomBitFeeds();
const VARIANTS = [{ threads: 1, spin: false }, { threads: 2, spin: false }, { threads: 2, spin: true }];

const sessions = await Promise.all(VARIANTS.map((v) => ort.InferenceSession.create(values.model!, {
  intraOpNumThreads: v.threads, executionMode: 'sequential', graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: v.spin ? '1' : '0' } } },
})));
const times = VARIANTS.map(() => [] as number[]);
const cpuMs = VARIANTS.map(() => 0);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [i, session] of sessions.entries()) {
    for (let w = 0; w < 10; w++) await session.run(feeds);
    const cpu = process.cpuUsage();
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await session.run(feeds);
      times[i].push(performance.now() - start);
    }
    const used = process.cpuUsage(cpu);
    cpuMs[i] += (used.user + used.system) / 1000;
  }
}
const baseP50 = summarise(times[0]).p50;
for (const [i, v] of VARIANTS.entries()) {
  const s = summarise(times[i]);
  console.log(`${v.threads} thread${v.threads > 1 ? 's' : ''}${v.spin ? ', spinning' : ''}: p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, ` +
    `CPU ${(cpuMs[i] / times[i].length).toFixed(2)} ms a run, p50 against 1 thread ${(s.p50 / baseP50).toFixed(2)}`);
}
for (const s of sessions) await s.release();
