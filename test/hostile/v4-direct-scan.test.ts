// Issue 17, the V4 path: decode workers send the streams straight to the model worker. The
// answers equal the model's on the same streams, bad input stays typed and costs no model run,
// the model's queue bound covers images still decoding, and a decode worker that dies is
// replaced by one wired to the model worker too.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { V4Error } from '../../v4/errors.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { DEFAULT_MODEL_PATH, V4Path } from '../../v4/path.ts';
import { DirectScan } from '../../v4/pool/direct-scan.ts';
import { PreprocessPool } from '../../v4/pool/preprocess-pool.ts';
import { RemoteModel } from '../../v4/pool/remote-model.ts';
import { waitFor } from '../harness/services.ts';

const PARITY = 'test/fixtures/parity/images';

async function someImages(n: number): Promise<Uint8Array[]> {
  const names = (await readdir(PARITY)).sort().slice(0, n);
  return Promise.all(names.map((name) => readFile(`${PARITY}/${name}`)));
}

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function wired(maxQueued?: number): Promise<{ pool: PreprocessPool; model: RemoteModel; direct: DirectScan }> {
  const pool = await PreprocessPool.start(1);
  closers.push(() => pool.close());
  const model = await RemoteModel.load(DEFAULT_MODEL_PATH, { maxQueued });
  closers.push(() => model.release());
  return { pool, model, direct: DirectScan.connect(pool, model) };
}

test('forwarded images get the outputs the model gives on their streams; the pool still returns streams', async () => {
  const { pool, model, direct } = await wired();
  const images = await someImages(6);
  const got = await Promise.all(images.map((b) => direct.scan(b, DEFAULT_LIMITS)));
  for (const [i, bytes] of images.entries()) {
    const p = await pool.preprocess(bytes, DEFAULT_LIMITS);
    assert.deepEqual(got[i].info, p.info, `image ${i}`);
    assert.deepEqual(got[i].outputs, await model.run([p.streams]), `image ${i}`);
    assert.ok(got[i].inferMs > 0 && got[i].decodeMs > 0, `image ${i} timings`);
  }
});

test('bad input through the direct path: a typed error, and the path keeps scanning', async () => {
  const path = await V4Path.load({ workers: 1, modelWorker: true });
  closers.push(() => path.close());
  const [good] = await someImages(1);
  const codes = await Promise.all(
    [new Uint8Array(0), Buffer.from('II*\0rest of a tiff'), good.subarray(0, 40)].map((b) =>
      path.scan(b).then(
        () => 'none',
        (e: unknown) => (e instanceof V4Error ? e.code : `untyped ${e}`),
      ),
    ),
  );
  assert.deepEqual(codes, ['EMPTY_INPUT', 'UNSUPPORTED_FORMAT', 'TRUNCATED_IMAGE']);
  const r = await path.scan(good);
  assert.ok(r.verdict.stegoProb > 0 && r.verdict.stegoProb < 1);
});

test('the model queue bound counts images still decoding: past it, OVERLOADED before any decoding', async () => {
  const path = await V4Path.load({ workers: 1, modelWorker: true, maxQueued: 2 });
  closers.push(() => path.close());
  const [image] = await someImages(1);
  const scans = await Promise.allSettled(Array.from({ length: 6 }, () => path.scan(image)));
  const refused = scans.filter((r) => r.status === 'rejected' && (r.reason as V4Error).code === 'OVERLOADED');
  assert.equal(refused.length, 4, 'two admitted, four refused');
  assert.equal(scans.filter((r) => r.status === 'fulfilled').length, 2);
});

test('a decode worker that dies is replaced by one wired to the model worker', async () => {
  const { pool, direct } = await wired();
  const [image] = await someImages(1);
  const before = await direct.scan(image, DEFAULT_LIMITS);
  const slots = Reflect.get(pool, 'slots') as { worker: Worker; ready: boolean }[];
  const dead = slots[0].worker;
  await dead.terminate();
  await waitFor(() => slots.length === 1 && slots[0].worker !== dead && slots[0].ready, { timeoutMs: 60_000, what: 'a new decode worker' });
  const again = await direct.scan(image, DEFAULT_LIMITS);
  assert.deepEqual(again.outputs, before.outputs);
});
