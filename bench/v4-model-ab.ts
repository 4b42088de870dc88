// Two models' cost on ready inputs, one intra-op thread each, run alternately (ABBA) on the same
// feeds in one process, so the machine's drift (10-30% an hour here) falls on both alike: CPU a
// run of each and the difference. What a model change adds to every scan.
//   node --import tsx bench/v4-model-ab.ts --baseline models/v4-reference.onnx --model NEW.onnx [--runs 400] [--rounds 3]
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { DEFAULT_MODEL_PATH } from '../v4/path.ts';
import { randomBitFeeds } from './model-feeds.ts';
import { summarise } from './stats.ts';

const { values } = parseArgs({ options: {
  baseline: { type: 'string', default: DEFAULT_MODEL_PATH }, model: { type: 'string' },
  runs: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' },
} });
if (!values.model) throw new Error('--model NEW.onnx is required');
const feeds = randomBitFeeds();
const options = { intraOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } as const;
const paths = [values.baseline, values.model];
const sessions = await Promise.all(paths.map((p) => ort.InferenceSession.create(p, options)));

async function cpuOfRun(session: ort.InferenceSession): Promise<number> {
  const cpu = process.cpuUsage();
  await session.run(feeds);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
}

for (let round = 0; round < Number(values.rounds); round++) {
  for (const s of sessions) for (let w = 0; w < 20; w++) await s.run(feeds);
  const cpu: number[][] = [[], []];
  for (let r = 0; r < Number(values.runs); r++) {
    const order = r % 2 ? [0, 1] : [1, 0];
    for (const i of order) cpu[i].push(await cpuOfRun(sessions[i]));
  }
  const [base, next] = cpu.map((c) => summarise(c));
  console.log(`round ${round + 1}: CPU a run, mean / p50: baseline ${base.mean.toFixed(2)} / ${base.p50.toFixed(2)} ms, ` +
    `model ${next.mean.toFixed(2)} / ${next.p50.toFixed(2)} ms; model - baseline ${(next.mean - base.mean).toFixed(2)} ms ` +
    `(ratio ${(next.mean / base.mean).toFixed(3)})`);
}
for (const s of sessions) await s.release();
