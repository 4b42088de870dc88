// Issue 17, the V4 path: whole-scan workers (each decodes and runs its own model session) give
// exactly the verdicts of the path in place, run an image alone in flight on more intra-op
// threads (with the same outputs), spread concurrent images over the workers, keep
// bad input typed (a decoder's plain error too), apply the decode limits and the queue bound in
// the worker, and still run ready streams for validate's ablation.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, it, test } from 'node:test';
import { V4Error } from '../../v4/errors.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { verdicts } from '../../v4/verdict.ts';
import { V4Model } from '../../v4/model.ts';
import { DEFAULT_MODEL_PATH, V4Path } from '../../v4/path.ts';
import type { RemoteModel } from '../../v4/pool/remote-model.ts';
import { defaultScanWorkers, ScanPool } from '../../v4/pool/scan-pool.ts';
import { preprocess } from '../../v4/preprocess.ts';

const PARITY = 'test/fixtures/parity/images';

async function someImages(n: number): Promise<Uint8Array[]> {
  const names = (await readdir(PARITY)).sort().slice(0, n);
  return Promise.all(names.map((name) => readFile(`${PARITY}/${name}`)));
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'none',
    (e: unknown) => (e instanceof V4Error ? e.code : `untyped ${e}`),
  );

describe('a path on two scan workers', () => {
  let images: Uint8Array[];
  let inPlace: V4Path;
  let served: V4Path;
  before(async () => {
    images = await someImages(12);
    inPlace = await V4Path.load();
    served = await V4Path.load({ scanWorkers: 2 });
  });
  after(async () => {
    await inPlace?.close();
    await served?.close();
  });

  it('gives exactly the verdicts of the path in place, several in flight', async () => {
    assert.ok(images.length >= 6, `parity images found: ${images.length}`);
    assert.equal(served.scanWorkers, 2);
    assert.equal(served.workers, 0);
    const here = await Promise.all(images.map((b) => inPlace.scan(b)));
    const there = await Promise.all(images.map((b) => served.scan(b)));
    for (const [i, r] of there.entries()) {
      assert.deepEqual(r.verdict, here[i].verdict, `image ${i}`);
      assert.deepEqual(r.info, here[i].info, `image ${i}`);
      // Decoding hidden behind the inference before it counts as none (visible-decode.ts).
      assert.ok(r.timings.decodeMs >= 0 && r.timings.preprocessMs > 0 && r.timings.inferMs > 0, `image ${i} timings`);
    }
  });

  it('spreads images over the workers: four in flight are two on each', async () => {
    const pool = served.model as ScanPool;
    const models = Reflect.get(pool, 'models') as RemoteModel[];
    const scans = images.slice(0, 4).map((b) => served.scan(b));
    assert.deepEqual(
      models.map((m) => m.queued),
      [2, 2],
    );
    await Promise.all(scans);
    assert.deepEqual(
      models.map((m) => m.queued),
      [0, 0],
    );
  });

  it('keeps bad input typed, a plain decoder error as CORRUPT_IMAGE, and scans on', async () => {
    const [good] = images;
    const bad = [new Uint8Array(0), Buffer.from('II*\0rest of a tiff'), good.subarray(0, 40)];
    const codes = await Promise.all(bad.map((b) => codeOf(served.scan(b))));
    assert.deepEqual(codes, ['EMPTY_INPUT', 'UNSUPPORTED_FORMAT', 'TRUNCATED_IMAGE']);
    const r = await served.scan(good);
    assert.deepEqual(r.verdict, (await inPlace.scan(good)).verdict);
  });

  it('runs ready streams for validate (the ablation path): the outputs of the model in place', async () => {
    const local = await V4Model.load(DEFAULT_MODEL_PATH);
    try {
      const { streams } = await preprocess(images[0]);
      const want = await local.run([streams], { zeroStreams: ['meta'] });
      assert.deepEqual(await served.model.run([streams], { zeroStreams: ['meta'] }), want);
    } finally {
      await local.release();
    }
  });
});

describe('alone threads', () => {
  let images: Uint8Array[];
  let inPlace: V4Path;
  let pool: ScanPool;
  before(async () => {
    images = await someImages(6);
    inPlace = await V4Path.load();
    pool = await ScanPool.load(DEFAULT_MODEL_PATH, 2, { threads: 1 }, 2);
  });
  after(async () => {
    await inPlace?.close();
    await pool?.release();
  });

  it('an image alone in flight runs on 2 threads, images beside others on 1', async () => {
    const alone = await pool.scan(images[0], DEFAULT_LIMITS);
    assert.equal(alone.threads, 2);
    const three = await Promise.all(images.slice(0, 3).map((b) => pool.scan(b, DEFAULT_LIMITS)));
    assert.deepEqual(
      three.map((r) => r.threads),
      [2, 1, 1],
    );
  });

  it('gives exactly the outputs of the model in place either way', async () => {
    for (const [i, b] of images.entries()) {
      const want = (await inPlace.scan(b)).verdict;
      const [one, beside] = await Promise.all([pool.scan(b, DEFAULT_LIMITS), pool.scan(b, DEFAULT_LIMITS)]);
      assert.deepEqual([one.threads, beside.threads], [2, 1]);
      assert.deepEqual(verdicts(one.outputs)[0], want, `image ${i} alone`);
      assert.deepEqual(verdicts(beside.outputs)[0], want, `image ${i} beside another`);
    }
  });
});

test('scan workers apply the decode limits: a file past maxBytes is TOO_MANY_BYTES', async () => {
  const path = await V4Path.load({ scanWorkers: 1, limits: { maxBytes: 100 } });
  try {
    const [image] = await someImages(1);
    assert.ok(image.length > 100);
    assert.equal(await codeOf(path.scan(image)), 'TOO_MANY_BYTES');
  } finally {
    await path.close();
  }
});

test('the queue bound is per scan worker: two workers of one each admit two of six', async () => {
  const path = await V4Path.load({ scanWorkers: 2, maxQueued: 1 });
  try {
    const [image] = await someImages(1);
    const codes = await Promise.all(Array.from({ length: 6 }, () => codeOf(path.scan(image))));
    assert.deepEqual(codes, ['none', 'none', 'OVERLOADED', 'OVERLOADED', 'OVERLOADED', 'OVERLOADED']);
  } finally {
    await path.close();
  }
});

test('a model that does not load fails the pool with MODEL_ERROR', async () => {
  await assert.rejects(ScanPool.load('/nonexistent/model.onnx', 2), (e: V4Error) => e.code === 'MODEL_ERROR');
});

describe('defaultScanWorkers', () => {
  it('is one a core, at least one, at most four', () => {
    assert.equal(defaultScanWorkers(1), 1);
    assert.equal(defaultScanWorkers(2), 2);
    assert.equal(defaultScanWorkers(16), 4);
  });
});
