// The V4 stream builders on tiny hand-made images, every value at its place: where each pixel lands
// in the crop for each pixel layout (RGB, RGBA, grey, grey + alpha, palette), the LSB planes and
// their packing, the alpha statistics, the palette streams, the format and content features.
// The parity tests check whole images against the reference; these run in milliseconds, so
// mutation testing can afford them for every mutant (README "Testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROP, META_BYTES, PALETTE_BYTES, streamSize } from '../../v4/contract.ts';
import type { DecodedImage } from '../../v4/decode/decoded-image.ts';
import { alphaStreams } from '../../v4/streams/alpha-streams.ts';
import { buildStreams } from '../../v4/streams/build-streams.ts';
import { contentStats } from '../../v4/streams/content-stats.ts';
import { centreCrop } from '../../v4/streams/crop.ts';
import { metaStream } from '../../v4/streams/meta-stream.ts';
import { paletteLsbStream, paletteStream, pillowLuma } from '../../v4/streams/palette-streams.ts';
import { paletteLut, rgbStreams } from '../../v4/streams/rgb-streams.ts';
import { BYTE_TO_UNIT } from '../../v4/streams/scale.ts';
import { sharedZeros } from '../../v4/streams/zeros.ts';

const PLANE = CROP * CROP;
const unit = (v: number): number => Math.fround(v / 255);

/** The non-zero entries of a stream as [index, value] pairs: small images leave the rest zero. */
const nonZero = (t: Float32Array | Uint8Array): [number, number][] => {
  const out: [number, number][] = [];
  t.forEach((v, i) => {
    if (v !== 0) out.push([i, v]);
  });
  return out;
};

function image(over: Partial<DecodedImage>): DecodedImage {
  return { format: 'PNG', mode: 'RGB', width: 3, height: 2, pixels: null, channels: 3, palette: null, indices: null, exif: null, lossy: false, ...over };
}

// A 3 x 2 image sits in the 256 x 256 crop at x 126..128, y 127..128 (Python round(-126.5) = -126).
const at = (x: number, y: number): number => (y + 127) * CROP + x + 126;

/** Expected pixel_tensor and lsb entries of a small image from its per-pixel RGB. */
function expectedRgb(rgb: (x: number, y: number) => [number, number, number], width = 3, height = 2) {
  const pixel: [number, number][] = [];
  const lsb: [number, number][] = [];
  for (let plane = 0; plane < 3; plane++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const v = rgb(x, y)[plane];
        if (v !== 0) pixel.push([plane * PLANE + at(x, y), unit(v)]);
        if (v & 1) lsb.push([plane * PLANE + at(x, y), 1]);
      }
  return { pixel: pixel.sort((a, b) => a[0] - b[0]), lsb: lsb.sort((a, b) => a[0] - b[0]) };
}

const colour = (x: number, y: number): [number, number, number] => [10 * x + 3 * y + 1, 40 + x + 2 * y, 200 - 7 * x - y];

test('crop of a small image: where its pixels land', () => {
  assert.deepEqual(centreCrop(3, 2), { left: -126, top: -127, x0: 126, x1: 129, y0: 127, y1: 129 });
});

for (const channels of [3, 4] as const) {
  test(`rgb streams: ${channels} bytes a pixel land in place, with their LSBs`, () => {
    const pixels = new Uint8Array(6 * channels);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) pixels.set([...colour(x, y), 77].slice(0, channels), (y * 3 + x) * channels);
    const s = rgbStreams(image({ pixels, channels, mode: channels === 4 ? 'RGBA' : 'RGB' }), centreCrop(3, 2));
    const want = expectedRgb(colour);
    assert.deepEqual(nonZero(s.pixel), want.pixel);
    assert.deepEqual(nonZero(s.lsb), want.lsb);
  });
}

for (const channels of [1, 2] as const) {
  test(`rgb streams: grey with ${channels} bytes a pixel is the same value in all three planes`, () => {
    const grey = (x: number, y: number): number => 50 + 3 * x + 10 * y;
    const pixels = new Uint8Array(6 * channels).fill(255); // alpha, if any, is 255: ignored
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) pixels[(y * 3 + x) * channels] = grey(x, y);
    const s = rgbStreams(image({ pixels, channels, mode: channels === 2 ? 'LA' : 'L' }), centreCrop(3, 2));
    const want = expectedRgb((x, y) => [grey(x, y), grey(x, y), grey(x, y)]);
    assert.deepEqual(nonZero(s.pixel), want.pixel);
    assert.deepEqual(nonZero(s.lsb), want.lsb);
  });
}

test('rgb streams: palette pixels read their colour, past the stored palette the grey ramp', () => {
  const palette = new Uint8Array([9, 21, 31, 100, 0, 255]); // two entries
  const indices = new Uint8Array([0, 1, 2, 1, 0, 200]);
  const s = rgbStreams(image({ mode: 'P', palette, indices }), centreCrop(3, 2));
  const lut = [[9, 21, 31], [100, 0, 255], [2, 2, 2]];
  const want = expectedRgb((x, y) => {
    const i = indices[y * 3 + x];
    return (i === 200 ? [200, 200, 200] : lut[i]) as [number, number, number];
  });
  assert.deepEqual(nonZero(s.pixel), want.pixel);
  assert.deepEqual(nonZero(s.lsb), want.lsb);
  const l = paletteLut(palette);
  assert.deepEqual([l.length, l[0], l[1], l[5], l[6], l[7], l[8], l[765], l[767]], [768, 9, 21, 255, 2, 2, 2, 255, 255]);
});

test('rgb streams: a crop inside a larger image starts at its offset and reads every row', () => {
  // 258 x 257: the crop starts at x 1 (round(1)), y 0 (round(0.5) = 0), and covers 256 x 256.
  const width = 258;
  const height = 257;
  const pixels = new Uint8Array(width * height * 3);
  const mark = (x: number, y: number, rgb: number[]): void => pixels.set(rgb, (y * width + x) * 3);
  mark(0, 0, [255, 255, 255]); // left of the crop
  mark(1, 0, [1, 2, 3]); // crop (0, 0)
  mark(256, 255, [5, 6, 7]); // crop (255, 255)
  mark(257, 255, [255, 255, 255]); // right of the crop
  mark(10, 256, [255, 255, 255]); // below it
  const s = rgbStreams(image({ width, height, pixels }), centreCrop(width, height));
  const last = 255 * CROP + 255;
  assert.deepEqual(nonZero(s.pixel), [
    [0, unit(1)], [last, unit(5)], [PLANE, unit(2)], [PLANE + last, unit(6)], [2 * PLANE, unit(3)], [2 * PLANE + last, unit(7)],
  ].sort((a, b) => a[0] - b[0]));
  assert.deepEqual(nonZero(s.lsb), [[0, 1], [last, 1], [2 * PLANE, 1], [2 * PLANE + last, 1]].sort((a, b) => a[0] - b[0]));
  // Packed MSB-first, R plane then G then B: bit 0 is the top bit of byte 0.
  assert.deepEqual(nonZero(s.packedLsb), [[0, 0x80], [PLANE / 8 - 1, 0x01], [(2 * PLANE) / 8, 0x80], [(3 * PLANE) / 8 - 1, 0x01]]);
});

test('packed LSBs: every bit position of a byte', () => {
  // One row of 8 pixels whose red LSBs spell 1011 0010; green 0100 1101; blue all ones.
  const red = [1, 0, 1, 1, 0, 0, 1, 0];
  const pixels = new Uint8Array(16 * 3); // 16 wide, so the row starts on a byte; the last 8 are black
  red.forEach((bit, x) => pixels.set([bit, 1 - bit, 1], x * 3));
  // 16 x 1 at crop x 120..135 (round(-120)), y 128 (round(-127.5) = -128): byte 4111.
  const s = rgbStreams(image({ width: 16, height: 1, pixels }), centreCrop(16, 1));
  const byte = (128 * CROP + 120) / 8;
  assert.deepEqual(nonZero(s.packedLsb), [[byte, 0b10110010], [PLANE / 8 + byte, 0b01001101], [(2 * PLANE) / 8 + byte, 0xff]]);
});

/** np.packbits of a 0/1 stream: the reference's packing, eight values a byte, the first on top. */
function packbits(bits: Float32Array): Uint8Array {
  const out = new Uint8Array(bits.length / 8);
  bits.forEach((bit, i) => (out[i >> 3] |= bit << (7 - (i & 7))));
  return out;
}

test('packed LSBs equal the lsb stream packed, for every pixel layout and crop shape', () => {
  // Rows spanning the crop are packed as they are filled (wide images, shorter or taller than the
  // crop), the rest from the stream afterwards (narrow ones): both must be np.packbits(lsb).
  const layouts = [
    { mode: 'RGB', channels: 3 },
    { mode: 'RGBA', channels: 4 },
    { mode: 'L', channels: 1 },
    { mode: 'LA', channels: 2 },
    { mode: 'P', channels: 1 },
  ] as const;
  for (const { mode, channels } of layouts)
    for (const [width, height] of [[300, 100], [256, 256], [259, 400], [100, 300], [7, 5]]) {
      let x = 12345;
      const noise = (): number => (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      const pixels = Uint8Array.from({ length: width * height * channels }, noise);
      const over = mode === 'P' ? { indices: pixels, palette: Uint8Array.from({ length: 600 }, noise), pixels: null } : { pixels };
      const s = rgbStreams(image({ mode, channels, width, height, ...over }), centreCrop(width, height));
      assert.deepEqual(s.packedLsb, packbits(s.lsb), `${mode} ${width}x${height}`);
      assert.ok(s.packedLsb.some((b) => b !== 0), `${mode} ${width}x${height} has LSBs set`);
    }
});

test('alpha streams: alpha/255 and alpha & 1 over the crop, std and LSBs of the whole plane', () => {
  const alphas = [0, 255, 3, 128, 7, 2];
  const pixels = new Uint8Array(6 * 4);
  alphas.forEach((a, p) => pixels.set([1, 2, 3, a], p * 4));
  const a = alphaStreams(image({ mode: 'RGBA', channels: 4, pixels }), centreCrop(3, 2));
  const want: [number, number][] = [];
  alphas.forEach((v, p) => {
    if (v) want.push([at(p % 3, Math.floor(p / 3)), unit(v)]);
  });
  alphas.forEach((v, p) => {
    if (v & 1) want.push([PLANE + at(p % 3, Math.floor(p / 3)), 1]);
  });
  assert.deepEqual(nonZero(a.alpha), want.sort((x, y) => x[0] - y[0]));
  assert.equal(a.alpha.length, 2 * PLANE);
  const mean = alphas.reduce((s, v) => s + v, 0) / 6;
  assert.ok(Math.abs(a.std - Math.sqrt(alphas.reduce((s, v) => s + (v - mean) ** 2, 0) / 6)) < 1e-9, `std ${a.std}`);
  // LSBs 0 1 1 0 1 0, packed MSB-first into one byte: 0110 1000.
  assert.deepEqual(Array.from(a.packedLsb), [0b01101000]);
  // Nine pixels need two bytes; the ninth bit is the top of the second.
  const nine = new Uint8Array(9 * 4);
  nine[8 * 4 + 3] = 1;
  nine[0 * 4 + 3] = 1;
  assert.deepEqual(Array.from(alphaStreams(image({ mode: 'RGBA', channels: 4, pixels: nine, width: 9, height: 1 }), centreCrop(9, 1)).packedLsb), [0x80, 0x80]);
  // A flat alpha plane has no spread.
  const flat = new Uint8Array(6 * 4).fill(200);
  assert.equal(alphaStreams(image({ mode: 'RGBA', channels: 4, pixels: flat }), centreCrop(3, 2)).std, 0);
});

test('palette streams: the stored palette /255, zero padded or cut at 768; palette_lsb is the grey level LSB', () => {
  const short = paletteStream(new Uint8Array([255, 51, 0, 3]));
  assert.deepEqual([short.length, ...short.slice(0, 5)], [PALETTE_BYTES, 1, unit(51), 0, unit(3), 0]);
  const long = paletteStream(new Uint8Array(800).fill(255));
  assert.deepEqual([long.length, long[767]], [768, 1]);

  const palette = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 1, 1]); // lumas 76, 150, 29, 1
  const indices = new Uint8Array([0, 1, 2, 3, 0, 7]); // 7 is past the palette: grey 7
  const lsb = paletteLsbStream(image({ mode: 'P', palette, indices }), centreCrop(3, 2));
  assert.deepEqual([pillowLuma(255, 0, 0), pillowLuma(0, 255, 0), pillowLuma(0, 0, 255), pillowLuma(1, 1, 1)], [76, 150, 29, 1]);
  assert.deepEqual(nonZero(lsb), [[at(2, 0), 1], [at(0, 1), 1], [at(2, 1), 1]]);
  assert.equal(lsb.length, PLANE);
});

test('build streams: format features, content features, and shared zeros for what an image lacks', () => {
  const rgba = new Uint8Array(6 * 4);
  const alphas = [0, 255, 255, 0, 255, 255];
  alphas.forEach((a, p) => rgba.set([p, 0, 0, a], p * 4));
  const s = buildStreams(image({ mode: 'RGBA', channels: 4, pixels: rgba, width: 3, height: 2 }), null);
  const mean = 170;
  const std = Math.sqrt(alphas.reduce((t, v) => t + (v - mean) ** 2, 0) / 6);
  assert.deepEqual(Array.from(s.format_features), [1, Math.fround(std / 255), 0, 0, Math.fround(3 / 256), Math.fround(2 / 256)]);
  const packedRgb = rgbStreams(image({ mode: 'RGBA', channels: 4, pixels: rgba }), centreCrop(3, 2)).packedLsb;
  const packedAlpha = alphaStreams(image({ mode: 'RGBA', channels: 4, pixels: rgba }), centreCrop(3, 2)).packedLsb;
  assert.deepEqual(Array.from(s.content_features), [...contentStats(packedRgb), ...contentStats(packedAlpha)].map(Math.fround));
  assert.equal(s.content_features[3], 1, 'one alpha byte: one distinct value of one');
  assert.equal(s.palette, sharedZeros('palette'));
  assert.equal(s.palette_lsb, sharedZeros('palette_lsb'));
  assert.equal(s.meta, sharedZeros('meta'));
  assert.notEqual(s.alpha, sharedZeros('alpha'));

  const rgb = buildStreams(image({ pixels: new Uint8Array(18) }), new Uint8Array([255]));
  assert.deepEqual(Array.from(rgb.format_features), [0, 0, 0, 1, Math.fround(3 / 256), Math.fround(2 / 256)]);
  assert.equal(rgb.alpha, sharedZeros('alpha'));
  assert.deepEqual(Array.from(rgb.content_features.slice(3)), [0, 0, 0]);
  assert.equal(rgb.meta[0], 1, 'the tail reaches the meta stream');

  const p = buildStreams(image({ mode: 'P', palette: new Uint8Array([0, 0, 0, 255, 255, 255]), indices: new Uint8Array([1, 0, 1, 0, 1, 1]) }), null);
  assert.deepEqual(Array.from(p.format_features), [0, 0, 1, 0, Math.fround(3 / 256), Math.fround(2 / 256)]);
  assert.equal(p.palette[3], 1);
  assert.equal(p.palette_lsb[at(0, 0)], 1);

  const grey = buildStreams(image({ mode: 'L', channels: 1, pixels: new Uint8Array(6) }), null);
  assert.deepEqual(Array.from(grey.format_features.slice(0, 4)), [0, 0, 0, 0]);
});

test('shared zeros: one array per stream, of the stream size', () => {
  for (const name of ['alpha', 'meta', 'palette', 'palette_lsb'] as const) {
    const z = sharedZeros(name);
    assert.equal(z, sharedZeros(name));
    assert.equal(z.length, streamSize(name));
  }
  assert.notEqual(sharedZeros('alpha'), sharedZeros('palette_lsb'));
});

test('content stats: the small-stream rule up to 256 bytes, sampling past it; printable is 32..126', () => {
  const small = new Uint8Array(256);
  small[0] = 31;
  small[1] = 32;
  small[2] = 126;
  small[3] = 127;
  small[4] = 32;
  // 5 distinct values in 256 bytes; printable: 32, 126, 32; most common: 0, 251 times.
  assert.deepEqual(contentStats(small), [5 / 256, 3 / 256, 251 / 256]);
  // 2000 bytes: every 2nd is sampled; distinct among the samples over 256.
  const big = new Uint8Array(2000);
  for (let i = 0; i < big.length; i++) big[i] = i % 2 === 0 ? (i / 2) % 100 : 200 + (i % 50);
  assert.equal(contentStats(big)[0], 100 / 256);
  // Past 256 bytes a distinct count of 257 would exceed 1: it is capped (every byte value, 300 bytes).
  const all = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
  assert.equal(contentStats(all)[0], 1);
  assert.deepEqual(contentStats(new Uint8Array(0)), [0, 0, 0]);
  assert.deepEqual(contentStats(new Uint8Array([7])), [1, 0, 1]);
});

test('meta: EXIF alone, tail alone, both; nothing is the shared zeros', () => {
  const exifOnly = metaStream(new Uint8Array([255, 51]), null);
  assert.deepEqual(nonZero(exifOnly), [[0, 1], [1, unit(51)]]);
  const tailOnly = metaStream(null, new Uint8Array([0, 255]));
  assert.deepEqual(nonZero(tailOnly), [[1, 1]]);
  const both = metaStream(new Uint8Array([255]), new Uint8Array([51, 255]));
  assert.deepEqual(nonZero(both), [[0, 1], [1, unit(51)], [2, 1]]);
  const cut = metaStream(new Uint8Array(META_BYTES + 5).fill(255), new Uint8Array([255]));
  assert.deepEqual([cut.length, cut[META_BYTES - 1]], [META_BYTES, 1]);
  assert.equal(metaStream(new Uint8Array(0), new Uint8Array(0)), sharedZeros('meta'));
  assert.equal(metaStream(null, null), sharedZeros('meta'));
  assert.notEqual(metaStream(new Uint8Array(0), new Uint8Array([1])), sharedZeros('meta'));
  assert.deepEqual([BYTE_TO_UNIT[0], BYTE_TO_UNIT[255], BYTE_TO_UNIT[51]], [0, 1, unit(51)]);
});
