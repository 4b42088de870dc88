// Issue 17, the V4 path: the served path (decode pool + model worker, streams handed over
// without a copy) gives exactly the verdicts of the path in place, the caller's streams are
// taken only when it gives them up, and the bench's figures are the arithmetic they claim.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { STREAM_NAMES, streamSize } from '../../v4/contract.ts';
import { V4Model } from '../../v4/model.ts';
import { DEFAULT_MODEL_PATH, V4Path } from '../../v4/path.ts';
import { defaultModelThreads } from '../../v4/pool/preprocess-pool.ts';
import { RemoteModel } from '../../v4/pool/remote-model.ts';
import { preprocess } from '../../v4/preprocess.ts';
import { idleRatioBound, v4Figures } from '../../bench/v4.ts';

const PARITY = 'test/fixtures/parity/images';
const A_JPEG = `${PARITY}/real_clean-0065.jpg`;

/** The first dozen parity images: PNG with alpha, GIF, JPEG, several modes. */
async function parityImages(): Promise<Uint8Array[]> {
  const names = (await readdir(PARITY)).sort().slice(0, 12);
  return Promise.all(names.map((n) => readFile(`${PARITY}/${n}`)));
}

describe('served V4 path', () => {
  let images: Uint8Array[];
  let inPlace: V4Path;
  let served: V4Path;
  before(async () => {
    images = await parityImages();
    inPlace = await V4Path.load();
    served = await V4Path.load({ workers: 1, modelWorker: true });
  });
  after(async () => {
    await inPlace?.close();
    await served?.close();
  });

  it('gives exactly the verdicts of the path in place, several in flight', async () => {
    assert.ok(images.length >= 6, `parity images found: ${images.length}`);
    const here = await Promise.all(images.map((b) => inPlace.scan(b)));
    const there = await Promise.all(images.map((b) => served.scan(b)));
    assert.equal(served.workers, 1);
    for (const [i, r] of there.entries()) {
      assert.deepEqual(r.verdict, here[i].verdict, `image ${i}`);
      assert.deepEqual(r.info, here[i].info, `image ${i}`);
    }
  });
});

describe('RemoteModel streams hand-over', () => {
  let remote: RemoteModel;
  let local: V4Model;
  before(async () => {
    remote = await RemoteModel.load(DEFAULT_MODEL_PATH);
    local = await V4Model.load(DEFAULT_MODEL_PATH);
  });
  after(async () => {
    await remote?.release();
    await local?.release();
  });

  it('copies by default: the caller keeps its streams and gets the same outputs', async () => {
    const { streams } = await preprocess(await readFile(A_JPEG));
    const want = await local.run([streams]);
    const got = await remote.run([streams]);
    assert.deepEqual(got, want);
    for (const name of STREAM_NAMES) assert.equal(streams[name].length, streamSize(name), name);
  });

  it('with transfer: the same outputs, and the non-zero streams are taken (emptied)', async () => {
    const { streams } = await preprocess(await readFile(A_JPEG));
    const want = await local.run([streams]);
    const got = await remote.run([streams], { transfer: true });
    assert.deepEqual(got, want);
    assert.equal(streams.pixel_tensor.length, 0);
    assert.equal(streams.lsb.length, 0);
  });
});

describe('defaultModelThreads', () => {
  it('gives the model the cores the decoders leave, at least one', () => {
    assert.equal(defaultModelThreads(1, 2), 1);
    assert.equal(defaultModelThreads(4, 8), 4);
    assert.equal(defaultModelThreads(4, 4), 1);
    assert.equal(defaultModelThreads(0, 2), 2);
  });
});

describe('v4Figures', () => {
  it('rates from images and wall time, per core, ratio to the baseline, CPU an image', () => {
    const f = v4Figures({ done: 900, wallMs: 5000, cpuMs: 9000 }, { done: 1000, wallMs: 5000, cpuMs: 5000 }, 2);
    assert.equal(f.imagesPerSecond, 180);
    assert.equal(f.imagesPerSecondPerCore, 90);
    assert.equal(f.baselineImagesPerSecond, 200);
    assert.equal(f.ratio, 0.9);
    assert.deepEqual(f.cpuMsPerImage, { served: 10, inferenceAlone: 5 });
    assert.equal(f.servedCoresUsed, 1.8);
    assert.equal(f.idleRatioBound, 1);
  });
});

describe('idleRatioBound', () => {
  it('is 1 when the rest of the work fits on the other cores', () => {
    assert.equal(idleRatioBound(9, 5, 2), 1);
  });
  it('is set by the second core when decoding costs more than the model', () => {
    assert.equal(idleRatioBound(15, 5, 2), 0.5);
  });
  it('on one core, the model and the rest share it', () => {
    assert.equal(idleRatioBound(10, 5, 1), 0.5);
  });
  it('with the model on every core (scan workers) only the CPU an image bounds it, above 1 too', () => {
    assert.equal(idleRatioBound(8, 5, 2, true), 1.25);
    assert.equal(idleRatioBound(8, 5, 2), 1);
    assert.equal(idleRatioBound(20, 5, 2, true), 0.5);
  });
});
