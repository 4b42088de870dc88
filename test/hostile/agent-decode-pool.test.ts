// Issue 19, agent item 3: decoding and inference in worker threads give exactly what they give
// on the event loop (parity holds), errors stay typed across the thread boundary, and the
// queues in front of the decoders and the model are bounded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { STREAM_NAMES, streamSize } from '../../v4/contract.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';
import { V4Error } from '../../v4/errors.ts';
import { V4Model } from '../../v4/model.ts';
import { DEFAULT_MODEL_PATH } from '../../v4/path.ts';
import { PreprocessPool } from '../../v4/pool/preprocess-pool.ts';
import { RemoteModel } from '../../v4/pool/remote-model.ts';
import { preprocess } from '../../v4/preprocess.ts';
import { makeImages } from '../integration/agent-stream.ts';
import { hugeGif, palettePng } from '../../bench/hostile/images.ts';

const pools: PreprocessPool[] = [];
after(() => Promise.all(pools.map((p) => p.close())));

async function startPool(size: number, maxQueued?: number): Promise<PreprocessPool> {
  const pool = await PreprocessPool.start(size, maxQueued);
  pools.push(pool);
  return pool;
}

test('the pool gives the same streams as decoding on the event loop, for every format', async () => {
  const pool = await startPool(2);
  const images = [...(await makeImages(3)), palettePng(300), hugeGif(120, 80)];
  const pooled = await Promise.all(images.map((b) => pool.preprocess(b, DEFAULT_LIMITS)));
  for (const [i, bytes] of images.entries()) {
    const direct = await preprocess(bytes, DEFAULT_LIMITS);
    assert.deepEqual(pooled[i].info, direct.info);
    for (const name of STREAM_NAMES) {
      assert.equal(pooled[i].streams[name].length, streamSize(name), `${name} of image ${i}`);
      assert.deepEqual(pooled[i].streams[name], direct.streams[name], `${name} of image ${i}`);
    }
  }
  // The shared zero streams survive many round trips (they are never transferred away).
  const again = await pool.preprocess(images[0], DEFAULT_LIMITS);
  assert.deepEqual(again.streams.palette, pooled[0].streams.palette);
});

test('bad input stays a typed V4Error across the thread boundary', async () => {
  const pool = await startPool(1);
  const codes = await Promise.all(
    [new Uint8Array(0), Buffer.from('II*\0rest of a tiff'), palettePng(64).subarray(0, 40)].map((b) =>
      pool.preprocess(b, DEFAULT_LIMITS).then(
        () => 'none',
        (e: unknown) => (e instanceof V4Error ? e.code : `untyped ${e}`),
      ),
    ),
  );
  assert.deepEqual(codes, ['EMPTY_INPUT', 'UNSUPPORTED_FORMAT', 'TRUNCATED_IMAGE']);
});

test('the decode queue and the model queue are bounded: past them, OVERLOADED', async () => {
  const pool = await startPool(1, 2);
  const png = palettePng(1000);
  const decoded = await Promise.allSettled(Array.from({ length: 6 }, () => pool.preprocess(png, DEFAULT_LIMITS)));
  const overloaded = decoded.filter((r) => r.status === 'rejected' && (r.reason as V4Error).code === 'OVERLOADED');
  assert.equal(overloaded.length, 3, 'one decoding, two waiting, three refused');

  const model = await V4Model.load(DEFAULT_MODEL_PATH, { maxQueued: 2 });
  try {
    const zeros = Object.fromEntries(STREAM_NAMES.map((n) => [n, new Float32Array(streamSize(n))])) as Parameters<V4Model['run']>[0][number];
    const runs = await Promise.allSettled(Array.from({ length: 5 }, () => model.run([zeros])));
    const refused = runs.filter((r) => r.status === 'rejected' && (r.reason as V4Error).code === 'OVERLOADED');
    assert.equal(refused.length, 3);
    assert.equal(runs.filter((r) => r.status === 'fulfilled').length, 2);
  } finally {
    await model.release();
  }
});

test('the model in a worker thread gives the same outputs, and its queue is bounded too', async () => {
  const images = [...(await makeImages(2)), palettePng(200)];
  const streams = await Promise.all(images.map(async (b) => (await preprocess(b, DEFAULT_LIMITS)).streams));
  const local = await V4Model.load(DEFAULT_MODEL_PATH);
  const remote = await RemoteModel.load(DEFAULT_MODEL_PATH, { maxQueued: 2 });
  try {
    assert.deepEqual(remote.identity, local.identity);
    assert.deepEqual(remote.inputs, local.inputs);
    const [mine, theirs] = [await local.run(streams), await remote.run(streams)];
    assert.equal(theirs.batch, 3);
    assert.deepEqual(theirs.values, mine.values);
    const ablated = await remote.run(streams, { zeroStreams: ['pixel_tensor'] });
    assert.deepEqual(ablated.values, (await local.run(streams, { zeroStreams: ['pixel_tensor'] })).values);
    const runs = await Promise.allSettled(Array.from({ length: 5 }, () => remote.run([streams[0]])));
    assert.equal(runs.filter((r) => r.status === 'rejected' && (r.reason as V4Error).code === 'OVERLOADED').length, 3);
  } finally {
    await local.release();
    await remote.release();
  }
});
