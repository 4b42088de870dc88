// The WebAssembly libwebp (v4/decode/webp-wasm.ts) gives sharp's pixels, mode and channels on
// every kind of WebP it takes, and leaves to sharp what it does not: big images, animations and
// files it cannot decode, which keep their typed errors.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp, { type WebpOptions } from 'sharp';
import { decodeImage } from '../../v4/decode/decode.ts';
import { sharpRaw } from '../../v4/decode/sharp-raw.ts';
import { readWebpHeader } from '../../v4/decode/webp.ts';
import { WASM_MAX_PIXELS, fitsWasm, webpRgba } from '../../v4/decode/webp-wasm.ts';
import { isV4Error } from '../../v4/errors.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';

const IMAGES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity', 'images');

/** Noise with edges, in 3 or 4 channels, so lossy coding and alpha both have work to do. */
function noisy(width: number, height: number, channels: 3 | 4, seed: number): Buffer {
  const px = Buffer.alloc(width * height * channels);
  let s = seed;
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    px[i] = (s >>> 24) ^ (i % (width * channels) < (width * channels) / 2 ? 0 : 0x80);
  }
  return px;
}

async function encoded(width: number, height: number, channels: 3 | 4, options: WebpOptions): Promise<Uint8Array> {
  const raw = { width, height, channels };
  return new Uint8Array(await sharp(noisy(width, height, channels, width * 31 + height), { raw }).webp(options).toBuffer());
}

/** What sharp alone makes of the file: the decoder the wasm one stands in for. */
async function bySharp(bytes: Uint8Array) {
  const h = readWebpHeader(bytes);
  const raw = await sharpRaw(bytes, 'WebP', { maxPixels: DEFAULT_LIMITS.maxPixels, width: h.width, height: h.height });
  return { mode: raw.channels === 4 ? 'RGBA' : 'RGB', channels: raw.channels, pixels: raw.data };
}

async function assertSameAsSharp(bytes: Uint8Array, what: string): Promise<void> {
  const h = readWebpHeader(bytes);
  assert.ok(fitsWasm(bytes, h.width, h.height) && !h.animated, `${what} should take the WebAssembly path`);
  assert.ok(await webpRgba(bytes), `${what}: the WebAssembly decoder refused it`);
  const ours = await decodeImage(bytes, DEFAULT_LIMITS);
  const theirs = await bySharp(bytes);
  assert.equal(ours.mode, theirs.mode, `${what}: mode`);
  assert.equal(ours.channels, theirs.channels, `${what}: channels`);
  assert.ok(Buffer.from(ours.pixels!).equals(Buffer.from(theirs.pixels)), `${what}: pixels differ from sharp's`);
}

test('the parity WebPs decode to sharp pixels, mode and channels', async () => {
  const names = readdirSync(IMAGES).filter((n) => n.endsWith('.webp'));
  assert.ok(names.length >= 10);
  for (const name of names) await assertSameAsSharp(new Uint8Array(readFileSync(join(IMAGES, name))), name);
});

test('lossy and lossless, with and without alpha, odd sizes: the same pixels as sharp', async () => {
  const cases: [number, number, 3 | 4, WebpOptions][] = [
    [257, 129, 3, { quality: 80 }],
    [1, 1, 3, { quality: 50 }],
    [333, 77, 4, { quality: 90 }],
    [64, 300, 4, { quality: 75, alphaQuality: 40 }],
    [201, 199, 3, { lossless: true }],
    [150, 151, 4, { lossless: true }],
    [99, 101, 4, { nearLossless: true, quality: 60 }],
  ];
  for (const [w, h, c, o] of cases) await assertSameAsSharp(await encoded(w, h, c, o), `${w}x${h}x${c} ${JSON.stringify(o)}`);
});

test('a file that is a view into a larger buffer decodes from its own bytes', async () => {
  const bytes = await encoded(120, 90, 3, { quality: 70 });
  const padded = new Uint8Array(bytes.length + 4096);
  padded.fill(0xff);
  padded.set(bytes, 2048);
  const view = padded.subarray(2048, 2048 + bytes.length);
  const a = await decodeImage(view, DEFAULT_LIMITS);
  const b = await decodeImage(bytes, DEFAULT_LIMITS);
  assert.ok(Buffer.from(a.pixels!).equals(Buffer.from(b.pixels!)));
});

test('images over the WebAssembly pixel bound go to sharp and decode all the same', async () => {
  const side = Math.ceil(Math.sqrt(WASM_MAX_PIXELS)) + 1;
  const bytes = new Uint8Array(await sharp({ create: { width: side, height: side, channels: 3, background: '#3a6' } }).webp({ quality: 60 }).toBuffer());
  const h = readWebpHeader(bytes);
  assert.equal(fitsWasm(bytes, h.width, h.height), false);
  const image = await decodeImage(bytes, DEFAULT_LIMITS);
  assert.equal(image.width, side);
  assert.ok(Buffer.from(image.pixels!).equals(Buffer.from((await bySharp(bytes)).pixels)));
});

test('a cut or corrupt WebP that the WebAssembly decoder refuses keeps sharp typed error', async () => {
  const whole = await encoded(200, 200, 3, { quality: 80 });
  // The RIFF size still says the whole file: the header check calls this truncated.
  const cut = whole.slice(0, whole.length - 300);
  const riff = new DataView(cut.buffer);
  riff.setUint32(4, cut.length - 8, true);
  const corrupt = whole.slice();
  corrupt.fill(0x55, 40, 400);
  for (const [bytes, codes] of [
    [cut, ['TRUNCATED_IMAGE', 'CORRUPT_IMAGE']],
    [corrupt, ['CORRUPT_IMAGE', 'TRUNCATED_IMAGE']],
  ] as const) {
    assert.equal(await webpRgba(bytes), undefined, 'the WebAssembly decoder should refuse it');
    await assert.rejects(decodeImage(bytes, DEFAULT_LIMITS), (e: unknown) => isV4Error(e) && (codes as readonly string[]).includes(e.code));
  }
});
