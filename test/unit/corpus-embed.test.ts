// Each method: embed a known message, write the file, decode it with a different reader, and get
// the message back; plus the framing each method promises (terminator, "AI42", the UserComment
// header, where a tail starts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decode as decodePng } from 'fast-png';
import { parseGIF } from 'gifuct-js';
import { Rng } from '../../corpus/random.ts';
import { withAlpha, type PixelImage } from '../../corpus/image.ts';
import { proceduralCover } from '../../corpus/covers/procedural.ts';
import { naturalAlpha } from '../../corpus/covers/alpha.ts';
import { quantize } from '../../corpus/covers/quantize.ts';
import { bitsToTerminatedBytes, bytesToBits, type BitOrder } from '../../corpus/embed/bits.ts';
import { embedAlpha } from '../../corpus/embed/alpha.ts';
import { embedPalette } from '../../corpus/embed/palette.ts';
import { embedLsbRgb } from '../../corpus/embed/lsb-rgb.ts';
import { buildExif } from '../../corpus/embed/exif.ts';
import { appendTail } from '../../corpus/embed/raw.ts';
import { encodeJpeg, encodePng, encodeWebp } from '../../corpus/encode/sharp-formats.ts';
import { encodeIndexedPng } from '../../corpus/encode/indexed-png.ts';
import { encodeGif } from '../../corpus/encode/gif.ts';
import { encodeBmp } from '../../corpus/encode/bmp.ts';
import { insertJpegExif, insertPngExif, insertWebpExif } from '../../corpus/encode/exif-containers.ts';
import { readBmp24, readPayload, readTail } from '../../corpus/readback.ts';
import { CorpusError } from '../../corpus/errors.ts';
import type { StegoLabel } from '../../schemas/corpus-label.ts';
import type { Method } from '../../corpus/mix.ts';

const text = (s: string) => new TextEncoder().encode(s);
const MESSAGE = text('meet me at the north gate at dawn, bring the key 42');
const cover = (seed = 1, size = 80): PixelImage => proceduralCover(new Rng(seed), size, size);

function label(method: Method, format: StegoLabel['format'], bitOrder: StegoLabel['bit_order']): StegoLabel {
  return {
    category: 'stego', method, bit_order: bitOrder, format, mode: 'RGB', width: 80, height: 80,
    seed: 0, cover: 'procedural', payload_bytes: MESSAGE.length, message_kind: 'prose',
  };
}

/** Bytes from the LSBs of `values`, read by hand (no corpus code), for the first `count` bytes. */
function lsbBytes(values: ArrayLike<number>, count: number, order: BitOrder): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let byte = 0;
    for (let k = 0; k < 8; k++) byte |= (values[i * 8 + k] & 1) << (order === 'lsb-first' ? k : 7 - k);
    out.push(byte);
  }
  return out;
}

test('bit orders: 0x41 is 1,0,0,0,0,0,1,0 LSB-first and 0,1,0,0,0,0,0,1 MSB-first', () => {
  assert.deepEqual([...bytesToBits(Uint8Array.of(0x41), 'lsb-first')], [1, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual([...bytesToBits(Uint8Array.of(0x41), 'msb-first')], [0, 1, 0, 0, 0, 0, 0, 1]);
  const bits = bytesToBits(Uint8Array.of(0x41, 0x42, 0, 0x43), 'msb-first');
  assert.deepEqual([...bitsToTerminatedBytes(bits, 'msb-first')!], [0x41, 0x42]);
  assert.equal(bitsToTerminatedBytes(bytesToBits(Uint8Array.of(0x41), 'lsb-first'), 'lsb-first'), null);
});

test('alpha: "AI42" + message + 0x00 in alpha LSBs, LSB-first, survives PNG', async () => {
  const base = cover();
  const rgba = withAlpha(base, naturalAlpha(new Rng(2), base.width, base.height));
  const png = await encodePng(embedAlpha(rgba, MESSAGE));
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 4);
  const alpha = Array.from({ length: info.width * info.height }, (_, p) => data[p * 4 + 3]);
  const framed = lsbBytes(alpha, 4 + MESSAGE.length + 1, 'lsb-first');
  assert.equal(String.fromCharCode(...framed.slice(0, 4)), 'AI42');
  assert.deepEqual(framed.slice(4, -1), [...MESSAGE]);
  assert.equal(framed.at(-1), 0);
  assert.deepEqual(await readPayload(png, label('alpha', 'PNG', 'lsb-first')), MESSAGE);
  // Only LSBs change, and only where the payload goes.
  for (let p = 0; p < alpha.length; p++) {
    assert.ok(Math.abs(alpha[p] - rgba.data[p * 4 + 3]) <= 1);
    if (p >= (4 + MESSAGE.length + 1) * 8) assert.equal(alpha[p], rgba.data[p * 4 + 3]);
  }
});

for (const order of ['lsb-first', 'msb-first'] as const) {
  test(`palette (${order}): index LSBs in GIF and indexed PNG, palette written verbatim`, async () => {
    const indexed = await quantize(cover(3), 64, 1);
    const stego = embedPalette(indexed, MESSAGE, order);

    const gif = encodeGif(stego);
    const parsed = parseGIF(gif.buffer.slice(gif.byteOffset, gif.byteOffset + gif.byteLength) as ArrayBuffer);
    assert.deepEqual(parsed.gct.map((c) => [...c]), stego.palette);
    assert.deepEqual(await readPayload(gif, label('palette', 'GIF', order)), MESSAGE);

    const png = encodeIndexedPng(stego);
    const decoded = decodePng(png);
    assert.deepEqual(decoded.palette?.map((c) => [...c]), stego.palette);
    assert.deepEqual(lsbBytes(decoded.data, MESSAGE.length + 1, order), [...MESSAGE, 0]);
    assert.deepEqual(await readPayload(png, label('palette', 'PNG', order)), MESSAGE);
  });

  test(`lsb.rgb (${order}): R,G,B LSBs in PNG and BMP`, async () => {
    const base = cover(4);
    const stego = embedLsbRgb(base, MESSAGE, order);

    const png = await encodePng(stego);
    const rgb = await sharp(png).raw().toBuffer();
    assert.deepEqual(lsbBytes(rgb, MESSAGE.length + 1, order), [...MESSAGE, 0]);
    assert.deepEqual(await readPayload(png, label('lsb.rgb', 'PNG', order)), MESSAGE);

    const bmp = encodeBmp(stego);
    assert.equal(bmp.subarray(0, 2).toString(), '66,77');
    assert.deepEqual(readBmp24(bmp).rgb, stego.data);
    assert.deepEqual(await readPayload(bmp, label('lsb.rgb', 'BMP', order)), MESSAGE);
  });
}

test('pixel methods refuse a message that does not fit or holds 0x00', async () => {
  const small = cover(5, 64);
  assert.throws(() => embedLsbRgb(small, new Uint8Array(64 * 64).fill(65), 'lsb-first'), (e: CorpusError) => e.code === 'CORPUS_PAYLOAD_TOO_LARGE');
  assert.throws(() => embedLsbRgb(small, Uint8Array.of(65, 0, 66), 'lsb-first'), (e: CorpusError) => e.code === 'CORPUS_BAD_OPTION');
});

test('exif: UserComment "ASCII\\0\\0\\0"+message in JPEG APP1, PNG eXIf and WebP EXIF (VP8X flag)', async () => {
  const base = cover(6);
  const tiff = buildExif({ make: 'Canon', model: 'Canon EOS 80D', dateTime: '2020:01:02 03:04:05' }, MESSAGE);
  const expectedComment = Buffer.concat([Buffer.from('ASCII\0\0\0'), MESSAGE]);
  const files = {
    JPEG: insertJpegExif(await encodeJpeg(base, { quality: 85, progressive: false, chromaSubsampling: '4:2:0' }), tiff),
    PNG: insertPngExif(await encodePng(base), tiff),
    WEBP: insertWebpExif(await encodeWebp(base, { lossless: false, quality: 80, effort: 2 }), tiff),
  };
  for (const [format, file] of Object.entries(files) as Array<[StegoLabel['format'], Uint8Array]>) {
    assert.deepEqual(await readPayload(file, label('exif', format, 'none')), MESSAGE, format);
    // libvips finds and parses the block too, and the image still decodes.
    const meta = await sharp(file).metadata();
    assert.equal(meta.width, 80, format);
    assert.ok(meta.exif && Buffer.from(meta.exif).includes(expectedComment), `${format}: sharp sees the UserComment`);
    await sharp(file).raw().toBuffer();
  }
  const jpeg = Buffer.from(files.JPEG);
  const app1 = jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2;
  assert.equal(jpeg.toString('latin1', app1, app1 + 2), '\xff\xe1', 'APP1 after SOI (and JFIF APP0)');
  assert.equal(jpeg.toString('latin1', app1 + 4, app1 + 10), 'Exif\0\0');
  const webp = Buffer.from(files.WEBP);
  assert.equal(webp.toString('latin1', 12, 16), 'VP8X');
  assert.equal(webp[20] & 0x08, 0x08, 'VP8X EXIF flag');
  assert.equal(webp.readUInt32LE(4), webp.length - 8, 'RIFF size covers the new chunks');
  const tiffBytes = Buffer.from(tiff);
  assert.equal(tiffBytes.toString('latin1', 0, 4), 'MM\0*');
  assert.ok(tiffBytes.includes(Buffer.from([0x92, 0x86, 0x00, 0x07])), 'UserComment tag, type UNDEFINED');
  assert.ok(tiffBytes.includes(Buffer.from([0x87, 0x69, 0x00, 0x04])), 'Exif IFD pointer in IFD0');
});

test('raw: message right after FF D9 / IEND+CRC / ";" / the RIFF size, image still decodes', async () => {
  const base = cover(7);
  const indexed = await quantize(base, 32, 0);
  const carriers = {
    JPEG: await encodeJpeg(base, { quality: 80, progressive: true, chromaSubsampling: '4:4:4' }),
    PNG: await encodePng(base),
    GIF: encodeGif(indexed),
    WEBP: await encodeWebp(base, { lossless: true, quality: 90, effort: 0 }),
  };
  const end = (format: string, f: Buffer): number => {
    if (format === 'JPEG') return f.lastIndexOf(Buffer.from([0xff, 0xd9])) + 2;
    if (format === 'PNG') return f.lastIndexOf(Buffer.from('IEND')) + 8;
    if (format === 'GIF') return f.lastIndexOf(0x3b) + 1;
    return f.readUInt32LE(4) + 8;
  };
  for (const [format, carrier] of Object.entries(carriers) as Array<[StegoLabel['format'], Uint8Array]>) {
    assert.equal(end(format, Buffer.from(carrier)), carrier.length, `${format}: the carrier ends where the rule says`);
    const file = Buffer.from(appendTail(carrier, MESSAGE));
    assert.deepEqual(file.subarray(end(format, file)), Buffer.from(MESSAGE), format);
    assert.deepEqual(new Uint8Array(readTail(file, format)), MESSAGE, format);
    assert.deepEqual(new Uint8Array(await readPayload(file, label('raw', format, 'none'))), MESSAGE, format);
    assert.equal((await sharp(file, { pages: 1 }).metadata()).width, 80, `${format} still decodes`);
  }
});
