// The pure pieces of the V4 input path: crop placement, content stats, tail rules, meta
// assembly, sniffing, Pillow's CMYK and luma arithmetic, PNG raw-mode rules, GIF frame 0.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';
import { decompressFrame, parseGIF } from 'gifuct-js';
import { cmykToRgb } from '../../v4/decode/cmyk.ts';
import { decodeGif, readGifHeader } from '../../v4/decode/gif.ts';
import { sniffFormat } from '../../v4/decode/sniff.ts';
import { imageTail } from '../../v4/decode/tail.ts';
import { contentStats } from '../../v4/streams/content-stats.ts';
import { centreCrop, roundHalfEven } from '../../v4/streams/crop.ts';
import { metaStream } from '../../v4/streams/meta-stream.ts';
import { pillowLuma } from '../../v4/streams/palette-streams.ts';
import { preprocess } from '../../v4/preprocess.ts';

test('roundHalfEven is Python round()', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 22.5, 130.5, -0.5, -1.5, -77.5, 2.4, 2.6, -2.6].map(roundHalfEven), [0, 2, 2, 22, 130, 0, -2, -78, 2, 3, -3]);
});

test('centre crop: 301 wide starts at 22, small images are padded', () => {
  const odd = centreCrop(301, 517);
  assert.equal(odd.left, 22);
  assert.equal(odd.top, 130);
  assert.deepEqual([odd.x0, odd.x1, odd.y0, odd.y1], [0, 256, 0, 256]);
  const small = centreCrop(100, 80);
  assert.deepEqual([small.left, small.top], [-78, -88]);
  assert.deepEqual([small.x0, small.x1, small.y0, small.y1], [78, 178, 88, 168]);
  const exact = centreCrop(256, 256);
  assert.deepEqual([exact.left, exact.top, exact.x0, exact.x1], [0, 0, 0, 256]);
});

test('content stats: small streams use distinct/len', () => {
  const [u, p, m] = contentStats(new Uint8Array([65, 65, 66, 0]));
  assert.equal(u, 3 / 4);
  assert.equal(p, 3 / 4);
  assert.equal(m, 2 / 4);
});

test('content stats: long streams sample every len//1000-th byte and cap at 1', () => {
  const bytes = new Uint8Array(24576);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
  // step 24: samples i*24 % 256 hit 32 distinct values
  assert.equal(contentStats(bytes)[0], 32 / 256);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
  const [u, p, m] = contentStats(bytes);
  assert.ok(u <= 1);
  assert.equal(p, 95 / 256);
  assert.equal(m, 96 / 24576);
  assert.deepEqual(contentStats(new Uint8Array(300)), [1 / 256, 0, 1]);
});

const withTail = (body: number[], total: number, fill = 0x41): Uint8Array => {
  const b = new Uint8Array(total).fill(fill);
  b.set(body);
  return b;
};

test('tail: JPEG after the last FF D9; files under 1000 bytes have none', () => {
  const jpeg = new Uint8Array(1500);
  jpeg.set([0xff, 0xd8, 0xff], 0);
  jpeg.set([0xff, 0xd9], 500);
  jpeg.set([0xff, 0xd9], 1000);
  assert.equal(imageTail(jpeg, 'JPEG')!.length, 498);
  assert.equal(imageTail(jpeg.subarray(0, 999), 'JPEG'), null);
  assert.equal(imageTail(jpeg.subarray(0, 1002), 'JPEG'), null); // nothing follows the last EOI
});

test('tail: PNG starts 12 bytes past the last IEND; GIF after the last 0x3B; BMP none', () => {
  const png = withTail([], 1200);
  png.set([0x49, 0x45, 0x4e, 0x44], 1000);
  assert.equal(imageTail(png, 'PNG')!.length, 1200 - 1012);
  assert.equal(imageTail(png.subarray(0, 1012), 'PNG'), null);
  const gif = withTail([], 1200);
  gif[700] = 0x3b;
  gif[1100] = 0x3b;
  assert.equal(imageTail(gif, 'GIF')!.length, 99);
  assert.equal(imageTail(gif, 'BMP'), null);
});

test('tail: WebP only when more than 100 bytes follow the RIFF size; cut at 2048', () => {
  const riff = (size: number, total: number): Uint8Array => {
    const b = new Uint8Array(total);
    new DataView(b.buffer).setUint32(4, size, true);
    return b;
  };
  assert.equal(imageTail(riff(992, 1100), 'WEBP'), null); // 100 bytes over: not enough
  assert.equal(imageTail(riff(992, 1101)!, 'WEBP')!.length, 101);
  assert.equal(imageTail(riff(992, 9000), 'WEBP')!.length, 2048);
});

test('meta: EXIF then tail, cut at 2048, /255', () => {
  const exif = new Uint8Array(2000).fill(255);
  const tail = new Uint8Array(100).fill(51);
  const m = metaStream(exif, tail);
  assert.equal(m.length, 2048);
  assert.equal(m[1999], 1);
  assert.equal(m[2000], Math.fround(51 / 255));
  assert.equal(m[2047], Math.fround(51 / 255));
  assert.ok(metaStream(null, null).every((v) => v === 0));
});

test('sniff: magic bytes decide the format', () => {
  assert.equal(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'JPEG');
  assert.equal(sniffFormat(new TextEncoder().encode('GIF89a....')), 'GIF');
  assert.equal(sniffFormat(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'WEBP');
  assert.equal(sniffFormat(new TextEncoder().encode('BM......')), 'BMP');
  assert.throws(() => sniffFormat(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt ')), /not a supported image/);
});

test("CMYK -> RGB is Pillow's cmyk2rgb", () => {
  assert.deepEqual(Array.from(cmykToRgb(new Uint8Array([0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 255, 100, 50, 0, 20]))), [255, 255, 255, 0, 0, 0, 0, 0, 0, 143, 189, 235]);
});

test("luma is Pillow's convert('L')", () => {
  assert.equal(pillowLuma(255, 255, 255), 255);
  assert.equal(pillowLuma(255, 0, 0), 76);
  assert.equal(pillowLuma(0, 255, 0), 150);
  assert.equal(pillowLuma(0, 0, 255), 29);
});

const bytesOf = (t: Float32Array): number[] => Array.from(t, (v) => Math.round(v * 255)).filter((v) => v > 0);

test("PNG variants follow Pillow's raw modes: 16-bit keeps the high byte, 2-bit grey scales, 4-bit palettes unpack", async () => {
  const rgb16 = encode({ width: 2, height: 1, data: new Uint16Array([0x1234, 0xabcd, 0x00ff, 0xff00, 0x0100, 0x0001]), depth: 16, channels: 3 });
  let p = await preprocess(rgb16);
  assert.equal(p.info.mode, 'RGB');
  assert.deepEqual(bytesOf(p.streams.pixel_tensor), [0x12, 0xff, 0xab, 0x01]);

  const grey2 = encode({ width: 4, height: 1, data: new Uint8Array([0b00011011]), depth: 2, channels: 1 });
  p = await preprocess(grey2);
  assert.equal(p.info.mode, 'L');
  assert.deepEqual(bytesOf(p.streams.pixel_tensor.subarray(0, 256 * 256)), [85, 170, 255]);

  const palette = [[10, 20, 30], [40, 50, 60], [70, 80, 90], [100, 110, 120]];
  const pal4 = encode({ width: 3, height: 1, data: new Uint8Array([0x12, 0x30]), depth: 4, channels: 1, palette });
  p = await preprocess(pal4);
  assert.equal(p.info.mode, 'P');
  assert.deepEqual(bytesOf(p.streams.pixel_tensor), [40, 70, 100, 50, 80, 110, 60, 90, 120]);
  assert.deepEqual(bytesOf(p.streams.palette), palette.flat());
  assert.equal(p.streams.format_features[2], 1);
});

test('16-bit grey ("I") is clipped to 0..255, not scaled', async () => {
  const grey16 = encode({ width: 3, height: 1, data: new Uint16Array([7, 255, 4000]), depth: 16, channels: 1 });
  const p = await preprocess(grey16);
  assert.equal(p.info.mode, 'I');
  assert.deepEqual(bytesOf(p.streams.pixel_tensor.subarray(0, 256 * 256)), [7, 255, 255]);
  assert.equal(p.streams.format_features[3], 0); // not plain RGB
});

/** A GIF whose first frame sits at (left, top) on a screen, LZW-coded with a clear code before every pixel. */
function tinyGif(screen: [number, number], frame: { left: number; top: number; w: number; h: number }, pixels: number[], transparent: number | null): Uint8Array {
  const bytes: number[] = [...Buffer.from('GIF89a')];
  const u16 = (v: number): number[] => [v & 255, v >> 8];
  bytes.push(...u16(screen[0]), ...u16(screen[1]), 0x81, 0, 0); // global table of 4 colours
  bytes.push(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120);
  if (transparent !== null) bytes.push(0x21, 0xf9, 4, 1, 0, 0, transparent, 0);
  bytes.push(0x2c, ...u16(frame.left), ...u16(frame.top), ...u16(frame.w), ...u16(frame.h), 0);
  const codes = pixels.flatMap((p) => [4, p]).concat(5); // clear, pixel, ..., end (3-bit codes)
  const packed: number[] = [];
  let acc = 0;
  let n = 0;
  for (const c of codes) {
    acc |= c << n;
    n += 3;
    while (n >= 8) {
      packed.push(acc & 255);
      acc >>= 8;
      n -= 8;
    }
  }
  if (n > 0) packed.push(acc & 255);
  bytes.push(2, packed.length, ...packed, 0, 0x3b);
  return new Uint8Array(bytes);
}

test('GIF frame 0 on a grown canvas over the transparent index, as Pillow composes it', () => {
  const gif = tinyGif([4, 4], { left: 2, top: 3, w: 3, h: 2 }, [0, 1, 3, 3, 1, 0], 2);
  const h = readGifHeader(gif);
  assert.deepEqual([h.width, h.height], [5, 5]);
  const d = decodeGif(gif, h);
  assert.equal(d.mode, 'P');
  const row = (y: number): number[] => Array.from(d.indices!.subarray(y * 5, y * 5 + 5));
  assert.deepEqual(row(0), [2, 2, 2, 2, 2]);
  assert.deepEqual(row(3), [2, 2, 0, 1, 3]);
  assert.deepEqual(row(4), [2, 2, 3, 1, 0]);
  const opaque = tinyGif([4, 4], { left: 2, top: 3, w: 3, h: 2 }, [0, 1, 3, 3, 1, 0], null);
  const noTransparency = decodeGif(opaque, readGifHeader(opaque));
  assert.equal(noTransparency.indices![0], 0);
});

test('GIF LZW decoding agrees with gifuct-js on every parity GIF (interlaced ones included)', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity', 'images');
  const gifs = readdirSync(dir).filter((f) => f.endsWith('.gif'));
  assert.ok(gifs.length >= 5);
  for (const f of gifs) {
    const bytes = new Uint8Array(readFileSync(join(dir, f)));
    const ours = decodeGif(bytes, readGifHeader(bytes)).indices!;
    const parsed = parseGIF(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const frame = parsed.frames.find((fr) => 'image' in fr)!;
    const theirs = decompressFrame(frame as never, parsed.gct, false).pixels;
    assert.equal(ours.length, theirs.length, f);
    assert.ok(ours.every((v, i) => v === theirs[i]), `${f}: indices differ`);
  }
});
