import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STREAM_NAMES, streamSize, type V4Streams } from '../../v4/contract.ts';
import { V4Error } from '../../v4/errors.ts';
import { V4Model } from '../../v4/model.ts';
import { verdicts } from '../../v4/verdict.ts';

const FULL = 'models/v4-random.onnx';
const LEGACY = 'test/fixtures/models/v4-legacy-3in.onnx';
const FIXTURES = 'test/fixtures/models';

/** Deterministic pseudo-random streams, different per seed. */
function syntheticStreams(seed: number): V4Streams {
  let x = seed * 2654435761 + 1;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) % 256) / 255;
  const s = {} as V4Streams;
  for (const name of STREAM_NAMES) s[name] = Float32Array.from({ length: streamSize(name) }, next);
  return s;
}

async function rejectsWithCode(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof V4Error && e.code === code && pattern.test(e.message));
}

describe('V4Model', () => {
  let full: V4Model;
  let legacy: V4Model;
  before(async () => {
    full = await V4Model.load(FULL);
    legacy = await V4Model.load(LEGACY);
  });
  after(async () => {
    await full.release();
    await legacy.release();
  });

  it('reads the inputs and outputs the model declares', () => {
    assert.deepEqual([...full.inputs], STREAM_NAMES);
    assert.deepEqual([...full.outputs], ['stego_logits', 'method_logits', 'bit_order_logits', 'embedding']);
    assert.deepEqual([...legacy.inputs], ['pixel_tensor', 'meta', 'format_features']);
    assert.deepEqual([...legacy.outputs], ['stego_logits']);
  });

  it('exposes the model identity (metadata version, file name, sha256)', () => {
    assert.equal(full.identity.id, 'v4-random.onnx');
    assert.equal(full.identity.version, 'v4-random-1');
    assert.match(full.identity.sha256, /^[0-9a-f]{64}$/);
    assert.notEqual(full.identity.sha256, legacy.identity.sha256);
  });

  it('gives every output with the right width', async () => {
    const out = await full.run([syntheticStreams(1)]);
    assert.equal(out.batch, 1);
    assert.equal(out.values.stego_logits?.length, 1);
    assert.equal(out.values.method_logits?.length, 5);
    assert.equal(out.values.bit_order_logits?.length, 3);
    assert.equal(out.values.embedding?.length, 64);
    assert.ok(Number.isFinite(out.values.stego_logits![0]));
  });

  it('runs a legacy model by feeding only its inputs; missing outputs give null fields', async () => {
    const [v] = verdicts(await legacy.run([syntheticStreams(2)]));
    assert.ok(v.stegoProb > 0 && v.stegoProb < 1);
    assert.equal(v.method, null);
    assert.equal(v.methodProb, null);
    assert.equal(v.bitOrder, null);
  });

  it('a legacy model ignores the streams it does not declare', async () => {
    const a = syntheticStreams(3);
    const b = { ...syntheticStreams(4), pixel_tensor: a.pixel_tensor, meta: a.meta, format_features: a.format_features };
    const [ra, rb] = [await legacy.run([a]), await legacy.run([b])];
    assert.equal(ra.values.stego_logits![0], rb.values.stego_logits![0]);
  });

  it('a batch of N gives the same outputs as N single runs', async () => {
    const images = [5, 6, 7, 8].map(syntheticStreams);
    const batch = await full.run(images);
    assert.equal(batch.batch, 4);
    for (let i = 0; i < images.length; i++) {
      const single = await full.run([images[i]]);
      for (const name of full.outputs) {
        const w = single.values[name]!.length;
        const row = batch.values[name]!.subarray(i * w, (i + 1) * w);
        single.values[name]!.forEach((v, j) => assert.ok(Math.abs(v - row[j]) < 1e-4, `${name}[${i}][${j}]`));
      }
    }
  });

  it('reused packing buffers do not leak a previous batch into a smaller one', async () => {
    const big = await full.run([9, 10, 11].map(syntheticStreams));
    const small = await full.run([10, 11].map(syntheticStreams));
    assert.ok(Math.abs(big.values.stego_logits![1] - small.values.stego_logits![0]) < 1e-4);
    assert.ok(Math.abs(big.values.stego_logits![2] - small.values.stego_logits![1]) < 1e-4);
  });

  it('zeroing a stream feeds zeros for it (per run and as a default)', async () => {
    const s = syntheticStreams(12);
    const zeroed = { ...s, pixel_tensor: new Float32Array(streamSize('pixel_tensor')) };
    const expected = (await full.run([zeroed])).values.stego_logits![0];
    const plain = (await full.run([s])).values.stego_logits![0];
    assert.notEqual(plain, expected);
    const perRun = (await full.run([s], { zeroStreams: ['pixel_tensor'] })).values.stego_logits![0];
    assert.equal(perRun, expected);
    const ablated = await V4Model.load(FULL, { zeroStreams: ['pixel_tensor'] });
    try {
      assert.equal((await ablated.run([s])).values.stego_logits![0], expected);
    } finally {
      await ablated.release();
    }
  });

  it('concurrent runs each get their own images', async () => {
    const images = [13, 14, 15].map(syntheticStreams);
    const alone = await Promise.all(images.map((s) => full.run([s, s])));
    const expected = await Promise.all(images.map(async (s) => (await full.run([s])).values.stego_logits![0]));
    alone.forEach((out, i) => assert.ok(Math.abs(out.values.stego_logits![1] - expected[i]) < 1e-4));
  });

  it('a stream of the wrong length is a MODEL_ERROR', async () => {
    const s = { ...syntheticStreams(16), meta: new Float32Array(10) };
    await rejectsWithCode(full.run([s]), 'MODEL_ERROR', /meta has 10 values/);
  });
});

describe('V4Model.load refuses bad models', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'v4-model-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('no stego_logits output', async () => {
    await rejectsWithCode(V4Model.load(join(FIXTURES, 'bad-no-stego.onnx')), 'MODEL_ERROR', /no stego_logits/);
  });
  it('an input the contract does not know', async () => {
    await rejectsWithCode(
      V4Model.load(join(FIXTURES, 'bad-unknown-input.onnx')),
      'MODEL_ERROR',
      /unknown input "colour_histogram"/,
    );
  });
  it('a missing file', async () => {
    await rejectsWithCode(V4Model.load(join(dir, 'nope.onnx')), 'MODEL_ERROR', /cannot read/);
  });
  it('a file that is not ONNX', async () => {
    const path = join(dir, 'junk.onnx');
    await writeFile(path, 'this is not a model at all');
    await rejectsWithCode(V4Model.load(path), 'MODEL_ERROR', /not a loadable ONNX model/);
  });
});
