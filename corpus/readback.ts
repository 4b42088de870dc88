// Reads the hidden message back out of a written corpus file, given its label. It decodes with
// readers other than the ones that wrote the file where it can (sharp, gifuct-js, a hand BMP
// parser), so tests and corpus validation check the bytes on disk, not the embedder's memory.
import sharp from 'sharp';
import { decode as decodePng } from 'fast-png';
import { decompressFrames, parseGIF } from 'gifuct-js';
import { bitsToTerminatedBytes, type BitOrder } from './embed/bits.ts';
import { ALPHA_PREFIX } from './embed/capacity.ts';
import { TAG, USER_COMMENT_HEADER } from './embed/exif.ts';
import { CorpusError } from './errors.ts';
import type { StegoLabel } from '../schemas/corpus-label.ts';

export async function readPayload(file: Uint8Array, label: StegoLabel): Promise<Uint8Array> {
  switch (label.method) {
    case 'alpha':
      return readAlpha(file);
    case 'palette':
      return terminated(lowBits(await paletteIndices(file, label.format)), label.bit_order as BitOrder);
    case 'lsb.rgb':
      return terminated(lowBits(label.format === 'BMP' ? readBmp24(file).rgb : await rawPixels(file, 3)), label.bit_order as BitOrder);
    case 'exif':
      return readUserComment(findExif(file, label.format));
    case 'raw':
      return readTail(file, label.format);
  }
}

function fail(message: string): never {
  throw new CorpusError('CORPUS_BAD_IMAGE', message);
}

function lowBits(values: ArrayLike<number>): Uint8Array {
  const bits = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = values[i] & 1;
  return bits;
}

function terminated(bits: Uint8Array, order: BitOrder): Uint8Array {
  return bitsToTerminatedBytes(bits, order) ?? fail('no 0x00 terminator in the embedded bits');
}

async function rawPixels(file: Uint8Array, channels: 3 | 4): Promise<Uint8Array> {
  const image = sharp(file);
  const raw = channels === 4 ? image.ensureAlpha() : image.removeAlpha();
  return new Uint8Array(await raw.raw().toBuffer());
}

async function readAlpha(file: Uint8Array): Promise<Uint8Array> {
  const rgba = await rawPixels(file, 4);
  const alpha = new Uint8Array(rgba.length / 4);
  for (let p = 0; p < alpha.length; p++) alpha[p] = rgba[p * 4 + 3];
  const payload = terminated(lowBits(alpha), 'lsb-first');
  if (!ALPHA_PREFIX.every((b, i) => payload[i] === b)) fail('alpha payload does not start with "AI42"');
  return payload.subarray(ALPHA_PREFIX.length);
}

/** The stored palette index of every pixel (first frame of a GIF, or an indexed PNG). */
export async function paletteIndices(file: Uint8Array, format: string): Promise<Uint8Array> {
  if (format === 'GIF') {
    const gif = parseGIF(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    const frame = decompressFrames(gif, false)[0] ?? fail('GIF has no frame');
    return Uint8Array.from(frame.pixels);
  }
  const png = decodePng(file);
  if (!png.palette || png.channels !== 1 || png.depth !== 8) fail('not an 8-bit indexed PNG');
  return new Uint8Array(png.data);
}

/** RGB pixels, top row first, of an uncompressed 24-bit BMP (any header version). */
export function readBmp24(file: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file[0] !== 0x42 || file[1] !== 0x4d) fail('not a BMP');
  const offset = view.getUint32(10, true);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  if (view.getUint16(28, true) !== 24) fail('not a 24-bit BMP');
  const height = Math.abs(signedHeight);
  const stride = Math.ceil((width * 3) / 4) * 4;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = signedHeight > 0 ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const at = offset + row * stride + x * 3;
      rgb.set([file[at + 2], file[at + 1], file[at]], (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}

/** The TIFF bytes of the EXIF block, wherever the format keeps it. */
export function findExif(file: Uint8Array, format: string): Uint8Array {
  const text = (at: number, n: number) => String.fromCharCode(...file.subarray(at, at + n));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (format === 'JPEG') {
    for (let at = 2; at + 4 <= file.length && file[at] === 0xff && file[at + 1] !== 0xda; ) {
      const length = view.getUint16(at + 2);
      if (file[at + 1] === 0xe1 && text(at + 4, 6) === 'Exif\0\0') return file.subarray(at + 10, at + 2 + length);
      at += 2 + length;
    }
  } else if (format === 'PNG') {
    for (let at = 8; at + 12 <= file.length; ) {
      const length = view.getUint32(at);
      if (text(at + 4, 4) === 'eXIf') return file.subarray(at + 8, at + 8 + length);
      if (text(at + 4, 4) === 'IEND') break;
      at += 12 + length;
    }
  } else if (format === 'WEBP') {
    if ((file[20] & 0x08) === 0 || text(12, 4) !== 'VP8X') fail('WebP without a VP8X chunk with the EXIF flag');
    for (let at = 12; at + 8 <= Math.min(file.length, 8 + view.getUint32(4, true)); ) {
      const length = view.getUint32(at + 4, true);
      if (text(at, 4) === 'EXIF') return file.subarray(at + 8, at + 8 + length);
      at += 8 + length + (length % 2);
    }
  }
  return fail(`no EXIF block in this ${format} file`);
}

/** UserComment (0x9286) from IFD0 -> Exif IFD, without its "ASCII\0\0\0" header. */
export function readUserComment(tiff: Uint8Array): Uint8Array {
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = tiff[0] === 0x49;
  const entry = (ifd: number, tag: number) => {
    const count = view.getUint16(ifd, little);
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + 12 * i;
      if (view.getUint16(at, little) === tag) return at;
    }
    return fail(`EXIF tag 0x${tag.toString(16)} not found`);
  };
  const exifIfd = view.getUint32(entry(view.getUint32(4, little), TAG.exifIfd) + 8, little);
  const at = entry(exifIfd, TAG.userComment);
  const count = view.getUint32(at + 4, little);
  const start = count <= 4 ? at + 8 : view.getUint32(at + 8, little);
  const comment = tiff.subarray(start, start + count);
  if (!USER_COMMENT_HEADER.every((b, i) => comment[i] === b)) fail('UserComment does not start with "ASCII\\0\\0\\0"');
  return comment.subarray(USER_COMMENT_HEADER.length);
}

/** Bytes after the end of the image, by the contract's rule for each format. */
export function readTail(file: Uint8Array, format: string): Uint8Array {
  const lastIndex = (seq: number[]) => {
    for (let i = file.length - seq.length; i >= 0; i--) if (seq.every((b, k) => file[i + k] === b)) return i;
    return -1;
  };
  let end: number;
  if (format === 'JPEG') end = lastIndex([0xff, 0xd9]) + 2;
  // The true end is after IEND's CRC; the contract's meta stream starts 4 bytes later (a quirk).
  else if (format === 'PNG') end = lastIndex([0x49, 0x45, 0x4e, 0x44]) + 8;
  else if (format === 'GIF') end = lastIndex([0x3b]) + 1;
  else if (format === 'WEBP') end = 8 + new DataView(file.buffer, file.byteOffset).getUint32(4, true);
  else return fail(`no tail rule for ${format}`);
  return file.subarray(end);
}
