// The WebAssembly libwebp and libjpeg (v4/decode/wasm-decoder.ts) give sharp's pixels, mode and
// channels on every kind of WebP and JPEG they take, and leave to sharp what they do not: big
// images and files, animations, CMYK, and files they refuse or warn about, which keep their typed
// errors.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp, { type JpegOptions, type WebpOptions } from 'sharp';
import { decodeImage } from '../../v4/decode/decode.ts';
import { sharpRaw } from '../../v4/decode/sharp-raw.ts';
import { jpegWasm, readJpegHeader } from '../../v4/decode/jpeg.ts';
import { readWebpHeader, webpWasm } from '../../v4/decode/webp.ts';
import { PAUSE_AFTER_FAILURE_MS, WASM_MAX_BYTES, WASM_MAX_PIXELS, fitsWasm } from '../../v4/decode/wasm-decoder.ts';
import { waitFor } from '../../deploy/local/wait.ts';
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
  assert.ok(await webpWasm.rgba(bytes), `${what}: the WebAssembly decoder refused it`);
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

test('WebPs over the WebAssembly pixel bound go to sharp and decode all the same', async () => {
  const side = Math.ceil(Math.sqrt(WASM_MAX_PIXELS)) + 1;
  const bytes = new Uint8Array(await sharp({ create: { width: side, height: side, channels: 3, background: '#3a6' } }).webp({ quality: 60 }).toBuffer());
  const h = readWebpHeader(bytes);
  assert.equal(fitsWasm(bytes, h.width, h.height), false);
  const image = await decodeImage(bytes, DEFAULT_LIMITS);
  assert.equal(image.width, side);
  assert.ok(Buffer.from(image.pixels!).equals(Buffer.from((await bySharp(bytes)).pixels)));
});

test('a cut or corrupt WebP that the WebAssembly decoder refuses keeps its typed error from sharp', async () => {
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
    assert.equal(await webpWasm.rgba(bytes), undefined, 'the WebAssembly decoder should refuse it');
    await assert.rejects(decodeImage(bytes, DEFAULT_LIMITS), (e: unknown) => isV4Error(e) && (codes as readonly string[]).includes(e.code));
  }
});

const noise = (width: number, height: number): Buffer => noisy(width, height, 3, width + height * 5);

async function jpeg(width: number, height: number, options: JpegOptions, grey = false): Promise<Uint8Array> {
  const image = sharp(noise(width, height), { raw: { width, height, channels: 3 } });
  return new Uint8Array(await (grey ? image.greyscale() : image).jpeg(options).toBuffer());
}

/** The JPEG as decodeJpeg gave it before: sharp, 'b-w' for grey. */
async function jpegBySharp(bytes: Uint8Array) {
  const h = readJpegHeader(bytes);
  return sharpRaw(bytes, 'JPEG', { maxPixels: DEFAULT_LIMITS.maxPixels, width: h.width, height: h.height, colourspace: h.components === 1 ? 'b-w' : undefined });
}

async function assertJpegSameAsSharp(bytes: Uint8Array, what: string): Promise<void> {
  assert.ok(await jpegWasm.rgba(bytes), `${what}: the WebAssembly decoder refused it`);
  const ours = await decodeImage(bytes, DEFAULT_LIMITS);
  const theirs = await jpegBySharp(bytes);
  assert.equal(ours.channels, theirs.channels, `${what}: channels`);
  assert.ok(Buffer.from(ours.pixels!).equals(Buffer.from(theirs.data)), `${what}: pixels differ from sharp's`);
}

test('JPEGs: the parity files, progressive, 4:4:4, grey, rotated by EXIF: the same pixels as sharp', async () => {
  for (const name of readdirSync(IMAGES).filter((n) => n.endsWith('.jpg') && !n.includes('cmyk')))
    await assertJpegSameAsSharp(new Uint8Array(readFileSync(join(IMAGES, name))), name);
  await assertJpegSameAsSharp(await jpeg(203, 101, { quality: 90 }), 'q90 4:2:0');
  await assertJpegSameAsSharp(await jpeg(77, 301, { quality: 85, chromaSubsampling: '4:4:4' }), '4:4:4');
  await assertJpegSameAsSharp(await jpeg(160, 120, { quality: 80, progressive: true }), 'progressive');
  await assertJpegSameAsSharp(await jpeg(99, 98, { quality: 85 }, true), 'grey');
  const rotated = new Uint8Array(await sharp(noise(120, 80), { raw: { width: 120, height: 80, channels: 3 } }).withMetadata({ orientation: 6 }).jpeg().toBuffer());
  await assertJpegSameAsSharp(rotated, 'EXIF orientation 6 (not applied, as Pillow does not)');
});

test('a CMYK JPEG is left to sharp and converted as before', async () => {
  const bytes = new Uint8Array(readFileSync(join(IMAGES, 'jpeg_cmyk.jpg')));
  assert.equal(await jpegWasm.rgba(bytes), undefined, 'the WebAssembly decoder should not give CMYK pixels');
  const image = await decodeImage(bytes, DEFAULT_LIMITS);
  assert.equal(image.mode, 'CMYK');
  assert.equal(image.channels, 3);
});

test('a cut JPEG, which libjpeg would fill with grey, and a corrupt one keep their errors from sharp', async () => {
  const whole = await jpeg(300, 200, { quality: 90 });
  const cut = whole.slice(0, whole.length >> 1);
  const corrupt = whole.slice();
  // Garbage in the middle of the entropy-coded data, markers included.
  for (let i = whole.length >> 1; i < (whole.length >> 1) + 64; i++) corrupt[i] = i % 2 ? 0xff : 0xc4;
  await waitFor(async () => (await jpegWasm.rgba(whole)) !== undefined, { timeoutMs: 10_000, what: 'the decoder to be up' });
  assert.equal(await jpegWasm.rgba(cut), undefined, 'a cut JPEG is doubted');
  await assert.rejects(decodeImage(cut, DEFAULT_LIMITS), (e: unknown) => isV4Error(e) && e.code === 'TRUNCATED_IMAGE');
  const theirs = await jpegBySharp(corrupt).then(
    (raw) => raw.data,
    (e: unknown) => e,
  );
  if (theirs instanceof Uint8Array) assert.ok(Buffer.from((await decodeImage(corrupt, DEFAULT_LIMITS)).pixels!).equals(Buffer.from(theirs)));
  else await assert.rejects(decodeImage(corrupt, DEFAULT_LIMITS), (e: unknown) => isV4Error(e) && e.code === (theirs as { code?: string }).code);
});

test('a stream of files that fail the decoder makes at most one new instance a pause; it then comes back', async () => {
  const whole = await jpeg(120, 80, { quality: 90 });
  // Four components: libjpeg cannot give them as RGBA and exits, the costliest failure.
  const cmyk = new Uint8Array(await sharp(noise(120, 80), { raw: { width: 120, height: 80, channels: 3 } }).toColourspace('cmyk').jpeg().toBuffer());
  await waitFor(async () => (await jpegWasm.rgba(whole)) !== undefined, { timeoutMs: 10_000, what: 'the decoder to be up' });
  const before = jpegWasm.instances;
  const started = Date.now();
  for (let i = 0; i < 200; i++) assert.equal(await jpegWasm.rgba(cmyk), undefined);
  const pauses = Math.floor((Date.now() - started) / PAUSE_AFTER_FAILURE_MS) + 1;
  assert.ok(jpegWasm.instances - before <= pauses, `${jpegWasm.instances - before} new instances for 200 failures in ${pauses} pauses`);
  // While it rests, files still decode (by sharp) to the same pixels.
  assert.ok(Buffer.from((await decodeImage(whole, DEFAULT_LIMITS)).pixels!).equals(Buffer.from((await jpegBySharp(whole)).data)));
  await waitFor(async () => (await jpegWasm.rgba(whole)) !== undefined, { timeoutMs: 10_000, what: 'the decoder back after its pause' });
  await assertJpegSameAsSharp(whole, 'after the pause');
});

test('files over the WebAssembly byte bound (a small image with a long tail) go to sharp', async () => {
  const small = await jpeg(64, 64, { quality: 80 });
  const tailed = new Uint8Array(small.length + WASM_MAX_BYTES);
  tailed.set(small);
  tailed.fill(0x41, small.length);
  const h = readJpegHeader(tailed);
  assert.equal(fitsWasm(tailed, h.width, h.height), false);
  const image = await decodeImage(tailed, DEFAULT_LIMITS);
  assert.ok(Buffer.from(image.pixels!).equals(Buffer.from((await jpegBySharp(small)).data)));
});
