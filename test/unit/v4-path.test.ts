import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { V4Error, V4_ERROR_CODES } from '../../v4/errors.ts';
import { DEFAULT_MODEL_PATH, V4Path } from '../../v4/path.ts';

const PARITY = '/work/shared/parity/images';
const read = (name: string) => readFile(`${PARITY}/${name}`);

function isTypedInputError(e: unknown): boolean {
  return e instanceof V4Error && V4_ERROR_CODES.includes(e.code) && e.code !== 'MODEL_ERROR' && e.message.length > 0;
}

describe('V4Path', () => {
  let path: V4Path;
  before(async () => (path = await V4Path.load()));
  after(async () => path.close());

  it('uses the reference model by default', () => {
    assert.match(DEFAULT_MODEL_PATH, /models\/v4-reference\.onnx$/);
    assert.equal(path.identity.id, 'v4-reference.onnx');
  });

  it('scans a real JPEG: image info, a full verdict, timings', async () => {
    const r = await path.scan(await read('real_clean-0065.jpg'));
    assert.deepEqual([r.info.format, r.info.mode, r.info.width, r.info.height], ['JPEG', 'RGB', 256, 256]);
    assert.ok(r.verdict.stegoProb > 0 && r.verdict.stegoProb < 1);
    assert.equal(r.verdict.isStego, r.verdict.stegoProb > 0.5);
    assert.notEqual(r.verdict.method, null);
    assert.notEqual(r.verdict.bitOrder, null);
    const t = r.timings;
    for (const v of [t.decodeMs, t.preprocessMs, t.inferMs]) assert.ok(v >= 0 && v <= t.totalMs);
  });

  it('scans a palette GIF and an RGBA PNG', async () => {
    const gif = await path.scan(await read('palette_gif_stego_lsb_first.gif'));
    assert.deepEqual([gif.info.format, gif.info.mode, gif.info.width, gif.info.height], ['GIF', 'P', 300, 200]);
    const png = await path.scan(await read('alpha_ai42_png.png'));
    assert.deepEqual([png.info.format, png.info.mode], ['PNG', 'RGBA']);
  });

  it('the same bytes give the same verdict', async () => {
    const bytes = await read('real_clean-0008.webp');
    const [a, b] = [await path.scan(bytes), await path.scan(bytes)];
    assert.deepEqual(a.verdict, b.verdict);
  });

  it('bad bytes give a typed error and the path stays usable', async () => {
    await assert.rejects(path.scan(new TextEncoder().encode('definitely not an image, just some text')), isTypedInputError);
    const png = await read('rgb_png_256.png');
    await assert.rejects(path.scan(png.subarray(0, 200)), isTypedInputError);
    await assert.rejects(path.scan(new Uint8Array(0)), (e: unknown) => e instanceof V4Error && e.code === 'EMPTY_INPUT');
    assert.ok((await path.scan(png)).verdict.stegoProb > 0);
  });

  it('a batch gives each image its own outcome, in order, equal to single scans', async () => {
    const names = ['real_clean-0004.png', 'real_clean-0097.webp', 'jpeg_clean_q95.jpg'];
    const images = await Promise.all(names.map(read));
    const junk = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const outcomes = await path.scanBatch([images[0], junk, images[1], images[2]]);
    assert.deepEqual(outcomes.map((o) => o.ok), [true, false, true, true]);
    if (!outcomes[1].ok) assert.ok(isTypedInputError(outcomes[1].error));
    const good = outcomes.filter((o) => o.ok).map((o) => (o.ok ? o.result.verdict.stegoProb : NaN));
    for (let i = 0; i < images.length; i++) {
      const single = await path.scan(images[i]);
      assert.ok(Math.abs(single.verdict.stegoProb - good[i]) < 1e-5, names[i]);
    }
  });

  it('a batch where every image fails still answers', async () => {
    const outcomes = await path.scanBatch([new Uint8Array([0]), new Uint8Array(0)]);
    assert.deepEqual(outcomes.map((o) => o.ok), [false, false]);
  });
});

describe('V4Path options', () => {
  it('enforces the byte limit before decoding', async () => {
    const path = await V4Path.load({ limits: { maxBytes: 1000 } });
    try {
      await assert.rejects(path.scan(await read('rgb_png_256.png')), (e: unknown) => e instanceof V4Error && e.code === 'TOO_MANY_BYTES');
    } finally {
      await path.close();
    }
  });

  it('runs a legacy model that declares three inputs and one output', async () => {
    const path = await V4Path.load({ modelPath: 'test/fixtures/models/v4-legacy-3in.onnx' });
    try {
      const r = await path.scan(await read('real_clean-0065.jpg'));
      assert.ok(r.verdict.stegoProb > 0 && r.verdict.stegoProb < 1);
      assert.equal(r.verdict.method, null);
      assert.equal(r.verdict.bitOrder, null);
    } finally {
      await path.close();
    }
  });
});
