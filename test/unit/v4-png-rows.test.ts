// Plain 8-bit PNGs unfiltered on the calling thread (v4/decode/png-rows.ts) give sharp's pixels
// (fast-png's indices for indexed ones), every filter type included; whatever is not plain (tRNS, interlacing, a bad CRC, data that
// inflates short) is left to sharp, so it decodes or fails exactly as before.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage } from '../../v4/decode/decode.ts';
import { readPngHeader } from '../../v4/decode/png.ts';
import { plainPngIndices, plainPngPixels } from '../../v4/decode/png-rows.ts';
import { decode as fastPng } from 'fast-png';
import { sharpRaw } from '../../v4/decode/sharp-raw.ts';
import { DEFAULT_LIMITS } from '../../v4/limits.ts';

const IMAGES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity', 'images');
const BPP: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunk(type: string, data: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  b.set(data, 8);
  b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
  return b;
}

/** A PNG written by hand: row y uses filter `filterOf(y)`, so every filter type is exercised. */
function handMade(width: number, height: number, colorType: number, filterOf: (y: number) => number, extra: Buffer[] = []): Uint8Array {
  const bpp = BPP[colorType];
  const stride = width * bpp;
  const pixels = new Uint8Array(stride * height);
  let s = width * 7 + height * 13 + colorType;
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    // Smooth with noise, so filtered values differ from raw ones.
    pixels[i] = ((i % stride) + (i / stride) * 3 + (s >>> 29)) & 0xff;
  }
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const f = filterOf(y);
    rows[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const at = (yy: number, xx: number) => (yy < 0 || xx < 0 ? 0 : pixels[yy * stride + xx]);
      const a = at(y, x - bpp);
      const b = at(y - 1, x);
      const c = at(y - 1, x - bpp);
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][f];
      rows[y * (stride + 1) + 1 + x] = (pixels[y * stride + x] - predictor) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const z = deflateSync(rows);
  // Two IDAT chunks, as encoders often split them.
  const half = z.length >> 1;
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), ...extra, chunk('IDAT', z.subarray(0, half)), chunk('IDAT', z.subarray(half)), chunk('IEND', new Uint8Array(0))]));
}

async function bySharp(bytes: Uint8Array) {
  const h = readPngHeader(bytes);
  const grey = h.colorType === 0 || h.colorType === 4;
  return sharpRaw(bytes, 'PNG', { maxPixels: DEFAULT_LIMITS.maxPixels, width: h.width, height: h.height, colourspace: grey ? 'b-w' : undefined });
}

async function assertSameAsSharp(bytes: Uint8Array, what: string, plain: boolean): Promise<void> {
  assert.equal(plainPngPixels(bytes, readPngHeader(bytes)) !== undefined, plain, `${what}: ${plain ? 'should' : 'should not'} be decoded here`);
  const ours = await decodeImage(bytes, DEFAULT_LIMITS);
  const theirs = await bySharp(bytes);
  // sharp's 'b-w' drops the alpha of grey + alpha; here it is carried, and the stream builder
  // reads grey with the channel stride and ignores alpha outside RGBA, so the grey must agree.
  const mine = ours.channels === 2 && theirs.channels === 1 ? ours.pixels!.filter((_, i) => i % 2 === 0) : ours.pixels!;
  assert.equal(ours.channels === 2 ? 1 : ours.channels, theirs.channels, `${what}: channels`);
  assert.ok(Buffer.from(mine).equals(Buffer.from(theirs.data)), `${what}: pixels differ from sharp's`);
}

test('every filter type, every 8-bit colour type, odd sizes: the same pixels as sharp', async () => {
  for (const colorType of [0, 2, 4, 6])
    for (const [w, h] of [[1, 1], [7, 5], [129, 67], [256, 256]])
      await assertSameAsSharp(handMade(w, h, colorType, (y) => y % 5), `type ${colorType} ${w}x${h}`, true);
});

test('PNGs from sharp itself (adaptive filters, one to many IDATs) and the parity PNGs', async () => {
  const noise = Buffer.alloc(300 * 200 * 3).map((_, i) => (i * 2654435761) >>> 24);
  for (const adaptiveFiltering of [false, true]) {
    const bytes = new Uint8Array(await sharp(noise, { raw: { width: 300, height: 200, channels: 3 } }).png({ adaptiveFiltering }).toBuffer());
    await assertSameAsSharp(bytes, `sharp png adaptive ${adaptiveFiltering}`, true);
  }
  let plain = 0;
  for (const name of readdirSync(IMAGES).filter((n) => n.endsWith('.png'))) {
    const bytes = new Uint8Array(readFileSync(join(IMAGES, name)));
    const h = readPngHeader(bytes);
    if (h.depth !== 8 || h.colorType === 3) continue;
    if (plainPngPixels(bytes, h)) plain++;
    await assertSameAsSharp(bytes, name, plainPngPixels(bytes, h) !== undefined);
  }
  assert.ok(plain >= 5, `only ${plain} parity PNGs took the plain path`);
});

test('not plain: tRNS, interlacing, a bad CRC, a bad filter type or short data go to sharp', async () => {
  const trns = handMade(40, 30, 2, (y) => y % 5, [chunk('tRNS', new Uint8Array([0, 1, 0, 2, 0, 3]))]);
  await assertSameAsSharp(trns, 'tRNS', false);
  const interlaced = new Uint8Array(await sharp(Buffer.alloc(50 * 40 * 3, 90), { raw: { width: 50, height: 40, channels: 3 } }).png({ progressive: true }).toBuffer());
  await assertSameAsSharp(interlaced, 'interlaced', false);

  const good = handMade(40, 30, 2, (y) => y % 5);
  const badCrc = good.slice();
  const h = readPngHeader(good);
  const crcAt = h.idat[0].byteOffset - good.byteOffset + h.idat[0].length;
  badCrc[crcAt] ^= 0xff;
  assert.equal(plainPngPixels(badCrc, readPngHeader(badCrc)), undefined, 'a bad CRC is not plain');

  const badFilter = handMade(40, 30, 2, (y) => (y === 10 ? 7 : 0));
  assert.equal(plainPngPixels(badFilter, readPngHeader(badFilter)), undefined, 'filter type 7 is not plain');

  // One row fewer than the header declares: inflates short.
  const short = handMade(40, 30, 2, () => 0);
  const tall = Buffer.from(short);
  tall.writeUInt32BE(31, 20);
  tall.writeUInt32BE(crc32(tall.subarray(12, 29)), 29);
  assert.equal(plainPngPixels(new Uint8Array(tall), readPngHeader(new Uint8Array(tall))), undefined, 'short data is not plain');
  await assert.rejects(decodeImage(new Uint8Array(tall), DEFAULT_LIMITS), /PNG/);
});

const PLTE = chunk('PLTE', Uint8Array.from({ length: 768 }, (_, i) => (i * 37) & 0xff));

/** fast-png's indices below 8 bits come packed, MSB first, each row starting on a byte. */
function unpacked(data: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  if (depth === 8) return data;
  const rowBytes = Math.ceil((width * depth) / 8);
  return Uint8Array.from({ length: width * height }, (_, i) => {
    const bit = (i % width) * depth;
    return (data[Math.floor(i / width) * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  });
}

/** Indexed: the indices fast-png reads (what indexed PNGs went to before), and the palette. */
async function assertSameIndices(bytes: Uint8Array, what: string, plain: boolean): Promise<void> {
  const h = readPngHeader(bytes);
  assert.equal(plainPngIndices(bytes, h) !== undefined, plain, `${what}: ${plain ? 'should' : 'should not'} be decoded here`);
  const ours = await decodeImage(bytes, DEFAULT_LIMITS);
  assert.equal(ours.mode, 'P', `${what}: mode`);
  assert.ok(Buffer.from(ours.indices!).equals(Buffer.from(unpacked(fastPng(bytes).data as Uint8Array, h.width, h.height, h.depth))), `${what}: indices differ from fast-png's`);
  assert.ok(Buffer.from(ours.palette!).equals(Buffer.from(h.plte!)), `${what}: palette`);
}

test('indexed PNGs: every filter type, odd sizes, tRNS, sharp\'s and the parity ones give fast-png\'s indices', async () => {
  for (const [w, h] of [[1, 1], [7, 5], [129, 67], [256, 256]]) {
    await assertSameIndices(handMade(w, h, 3, (y) => y % 5, [PLTE]), `indexed ${w}x${h}`, true);
    await assertSameIndices(handMade(w, h, 3, (y) => y % 5, [PLTE, chunk('tRNS', new Uint8Array([0, 128, 255]))]), `indexed + tRNS ${w}x${h}`, true);
  }
  const noise = Buffer.alloc(300 * 200 * 4).map((_, i) => (i * 2654435761) >>> 24);
  for (const channels of [3, 4] as const) {
    const bytes = new Uint8Array(await sharp(noise.subarray(0, 300 * 200 * channels), { raw: { width: 300, height: 200, channels } }).png({ palette: true, colours: 200 }).toBuffer());
    await assertSameIndices(bytes, `sharp palette png, ${channels} channels in`, true);
  }
  let plain = 0;
  for (const name of readdirSync(IMAGES).filter((n) => n.endsWith('.png'))) {
    const bytes = new Uint8Array(readFileSync(join(IMAGES, name)));
    const h = readPngHeader(bytes);
    if (h.colorType !== 3) continue;
    if (plainPngIndices(bytes, h)) plain++;
    await assertSameIndices(bytes, name, h.depth === 8);
  }
  assert.ok(plain >= 1, `only ${plain} parity PNGs took the indexed plain path`);
});

test('indexed, not plain: interlaced, a bad CRC, low bit depth go to fast-png; no PLTE is still an error', async () => {
  const interlaced = new Uint8Array(await sharp(Buffer.alloc(50 * 40 * 3, 90), { raw: { width: 50, height: 40, channels: 3 } }).png({ palette: true, progressive: true }).toBuffer());
  await assertSameIndices(interlaced, 'interlaced indexed', false);
  for (const bitdepth of [1, 2, 4] as const) {
    const low = new Uint8Array(await sharp(Buffer.alloc(50 * 40 * 3).map((_, i) => (i % 7) * 40), { raw: { width: 50, height: 40, channels: 3 } }).png({ palette: true, colours: 2 ** bitdepth }).toBuffer());
    assert.equal(readPngHeader(low).depth, bitdepth, `sharp wrote ${bitdepth}-bit indices`);
    await assertSameIndices(low, `${bitdepth}-bit indexed`, false);
  }
  const good = handMade(40, 30, 3, (y) => y % 5, [PLTE]);
  const badCrc = good.slice();
  const h = readPngHeader(good);
  badCrc[h.idat[0].byteOffset - good.byteOffset + h.idat[0].length] ^= 0xff;
  assert.equal(plainPngIndices(badCrc, readPngHeader(badCrc)), undefined, 'a bad CRC is not plain');
  const noPalette = handMade(40, 30, 3, (y) => y % 5);
  assert.equal(plainPngIndices(noPalette, readPngHeader(noPalette)), undefined, 'no PLTE is not plain');
  await assert.rejects(decodeImage(noPalette, DEFAULT_LIMITS), /without a PLTE chunk/);
});
