// Issue 17, the V4 path: onnxruntime's idle intra-op threads sleep rather than spin, so a model
// given 2 threads costs about the CPU an image of 1 thread (spinning, it cost twice as much and
// took the core the decode worker needs).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { V4Model } from '../../v4/model.ts';
import { DEFAULT_MODEL_PATH } from '../../v4/path.ts';
import { preprocess } from '../../v4/preprocess.ts';

const RUNS = 60;

async function cpuMsPerRun(threads: number, streams: Awaited<ReturnType<typeof preprocess>>['streams']): Promise<number> {
  const model = await V4Model.load(DEFAULT_MODEL_PATH, { threads });
  try {
    for (let i = 0; i < 10; i++) await model.run([streams]);
    const c0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) await model.run([streams]);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / RUNS;
  } finally {
    await model.release();
  }
}

test('two intra-op threads cost well under twice the CPU an image of one', async () => {
  const { streams } = await preprocess(await readFile('test/fixtures/parity/images/real_clean-0065.jpg'));
  // Alternating rounds, the least of each: a test beside this one on the other core made a
  // single round of 2 threads cost 1.6x (a CI run, 2026-12-02); spinning threads cost 2x in every round.
  const one: number[] = [];
  const two: number[] = [];
  for (let round = 0; round < 3; round++) {
    one.push(await cpuMsPerRun(1, streams));
    two.push(await cpuMsPerRun(2, streams));
  }
  const [least1, least2] = [Math.min(...one), Math.min(...two)];
  assert.ok(least2 < least1 * 1.5, `CPU an image: ${two.map((x) => x.toFixed(2)).join(', ')} ms at 2 threads, ${one.map((x) => x.toFixed(2)).join(', ')} ms at 1`);
});
