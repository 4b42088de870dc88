// Every bad input to preprocess() ends as a V4Error with the right code, quickly and without
// allocating for pixels the header already rules out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { V4ErrorCode } from '../../v4/errors.ts';
import { isV4Error } from '../../v4/errors.ts';
import { DEFAULT_LIMITS, type DecodeLimits } from '../../v4/limits.ts';
import { preprocess } from '../../v4/preprocess.ts';

const IMAGES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity', 'images');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(IMAGES, name)));

async function rejects(bytes: Uint8Array, code: V4ErrorCode, limits: DecodeLimits = DEFAULT_LIMITS): Promise<void> {
  await assert.rejects(preprocess(bytes, limits), (e: unknown) => {
    assert.ok(isV4Error(e), `not a V4Error: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0);
    return true;
  });
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + data.length); // CRC left zero: nothing on the header path checks it
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  b.set(data, 8);
  return b;
}

/** A PNG with the given header and IDAT payload. */
function png(width: number, height: number, depth: number, colourType: number, idat: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)];
  if (colourType === 3) parts.push(pngChunk('PLTE', new Uint8Array(768)));
  parts.push(pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0)));
  return new Uint8Array(Buffer.concat(parts));
}

test('zero bytes: EMPTY_INPUT', async () => {
  await rejects(new Uint8Array(0), 'EMPTY_INPUT');
});

test('over the byte limit: TOO_MANY_BYTES', async () => {
  await rejects(fixture('rgb_png_256.png'), 'TOO_MANY_BYTES', { maxBytes: 1000, maxPixels: DEFAULT_LIMITS.maxPixels });
});

test('decompression bomb: a 30000x30000 PNG of a few KB is refused from its header', async () => {
  const bomb = png(30000, 30000, 1, 0, deflateSync(Buffer.alloc(1 << 20)));
  assert.ok(bomb.length < 4096, `bomb is ${bomb.length} bytes`);
  const heapBefore = process.memoryUsage().arrayBuffers;
  await rejects(bomb, 'TOO_MANY_PIXELS');
  // 900 M pixels would need ~100 MB even at one bit each; nothing near that was allocated.
  assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 16 << 20);
});

test('pixel limit applies to every format, from the header', async () => {
  const small: DecodeLimits = { maxBytes: DEFAULT_LIMITS.maxBytes, maxPixels: 256 * 256 - 1 };
  for (const f of ['rgb_png_256.png', 'jpeg_clean_q95.jpg', 'webp_lossy.webp', 'gif_with_tail.gif', 'lsb_rgb_lsb_first_bmp.bmp', 'webp_exif_stego.webp']) {
    await rejects(fixture(f), 'TOO_MANY_PIXELS', small);
  }
});

test('a PNG whose data inflates far past its header size is refused (indexed path)', async () => {
  await rejects(png(64, 64, 8, 3, deflateSync(Buffer.alloc(50 << 20))), 'CORRUPT_IMAGE');
});

test('truncated files: TRUNCATED_IMAGE for every format', async () => {
  for (const f of ['rgb_png_256.png', 'palette_png_clean.png', 'jpeg_clean_q95.jpg', 'jpeg_progressive.jpg', 'webp_lossy.webp', 'webp_lossless.webp', 'gif_with_tail.gif', 'lsb_rgb_lsb_first_bmp.bmp']) {
    const b = fixture(f);
    await rejects(b.subarray(0, b.length >> 1), 'TRUNCATED_IMAGE');
  }
});

test('a file cut inside its signature is TRUNCATED_IMAGE', async () => {
  await rejects(new Uint8Array([0x89, 0x50, 0x4e]), 'TRUNCATED_IMAGE');
  await rejects(fixture('rgb_png_256.png').subarray(0, 20), 'TRUNCATED_IMAGE');
});

test('corrupt data: CORRUPT_IMAGE', async () => {
  const garbled = (f: string): Uint8Array => {
    const b = new Uint8Array(fixture(f));
    for (let i = 0; i < 200; i++) b[(b.length >> 2) + i] = (i * 37) & 255;
    return b;
  };
  await rejects(garbled('rgb_png_256.png'), 'CORRUPT_IMAGE');
  await rejects(garbled('palette_png_clean.png'), 'CORRUPT_IMAGE');
  await rejects(garbled('webp_lossy.webp'), 'CORRUPT_IMAGE');
  await rejects(png(64, 64, 8, 2, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 'CORRUPT_IMAGE');
  const badIhdr = png(64, 64, 8, 2, deflateSync(Buffer.alloc(64 * 65 * 3)));
  badIhdr[25] = 9; // colour type 9 does not exist
  await rejects(badIhdr, 'CORRUPT_IMAGE');
});

test('not an image: UNSUPPORTED_FORMAT', async () => {
  await rejects(new TextEncoder().encode('{"hello": "this is JSON, not an image"}'), 'UNSUPPORTED_FORMAT');
  await rejects(new Uint8Array(5000).fill(7), 'UNSUPPORTED_FORMAT');
});

test('real TIFF and AVIF files: UNSUPPORTED_FORMAT naming the format', async () => {
  const base = sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } });
  for (const [bytes, name] of [
    [await base.clone().tiff().toBuffer(), 'TIFF'],
    [await base.clone().avif().toBuffer(), 'AVIF'],
  ] as const) {
    await assert.rejects(preprocess(new Uint8Array(bytes)), (e: unknown) => isV4Error(e) && e.code === 'UNSUPPORTED_FORMAT' && e.message.includes(name));
  }
});

test('a BMP variant the decoder does not handle is refused by name', async () => {
  const b = new Uint8Array(fixture('lsb_rgb_lsb_first_bmp.bmp'));
  b[28] = 16; // 16 bits a pixel
  await rejects(b, 'UNSUPPORTED_FORMAT');
});

test('mangled files of every format end as a result or a V4Error, never a crash', async () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const files = ['rgb_png_256.png', 'palette_png_trns.png', 'png_16bit_gray.png', 'jpeg_cmyk.jpg', 'jpeg_progressive.jpg', 'webp_lossy.webp', 'webp_exif_stego.webp', 'gif_with_tail.gif', 'lsb_rgb_lsb_first_bmp.bmp'];
  let rejected = 0;
  for (const f of files) {
    const original = fixture(f);
    for (let k = 0; k < 12; k++) {
      const b = new Uint8Array(original.subarray(0, k % 3 === 0 ? rand(original.length) + 1 : original.length));
      // Mostly header bytes: that is where parsers trust lengths and sizes.
      for (let i = 0; i < 4; i++) b[rand(Math.min(b.length, 64 + (k % 2) * b.length))] = rand(256);
      try {
        await preprocess(b);
      } catch (e) {
        assert.ok(isV4Error(e), `${f} mutation ${k}: ${String(e)}`);
        rejected++;
      }
    }
  }
  assert.ok(rejected > 0);
});
