// The pixels of a plain 8-bit PNG (grey, grey + alpha, RGB, RGBA without tRNS, or palette indices;
// not interlaced, every chunk's CRC right, IEND present), inflated by Node's zlib and unfiltered on
// this thread. sharp hands each image between libvips threads strip by strip: 2.0-2.6 ms of CPU for
// a 256x256 RGB PNG on this machine, against 0.75 here (`node --import tsx bench/v4-decode.ts`);
// fast-png, which indexed PNGs went to, inflated them once more after png.ts's size check: 0.5-0.9
// ms of CPU for a 256x256 one, against 0.1-0.3 here (alternating runs). PNG is lossless,
// so a well-formed file has one right answer; anything less plain, or any doubt (a bad CRC, data
// that inflates short or long), returns undefined and goes to sharp (fast-png if indexed), which
// names the error.
import { crc32, inflateSync } from 'node:zlib';
import { concatBytes, u32be } from './bytes.ts';
import type { PngHeader } from './png.ts';

/** Above this sharp decodes: its threads matter less there, and this thread stays responsive. */
export const PLAIN_MAX_PIXELS = 2_000_000;

const BYTES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Grey, grey + alpha, RGB or RGBA: with tRNS, sharp adds an alpha band Pillow does not, so no. */
export function plainPngPixels(bytes: Uint8Array, h: PngHeader): Uint8Array | undefined {
  const bpp = BYTES_PER_PIXEL[h.colorType];
  return bpp === undefined || h.trns ? undefined : plainRows(bytes, h, bpp);
}

/** The palette indices of an 8-bit indexed PNG: a tRNS chunk changes no index, so it may be there. */
export function plainPngIndices(bytes: Uint8Array, h: PngHeader): Uint8Array | undefined {
  return h.colorType === 3 && h.plte ? plainRows(bytes, h, 1) : undefined;
}

function plainRows(bytes: Uint8Array, h: PngHeader, bpp: number): Uint8Array | undefined {
  if (h.depth !== 8 || h.interlaced || !h.ended || h.width * h.height > PLAIN_MAX_PIXELS) return undefined;
  if (!h.idat.every((payload) => crcHolds(bytes, payload))) return undefined;
  const stride = h.width * bpp;
  const expected = (stride + 1) * h.height;
  let filtered: Buffer;
  try {
    filtered = inflateSync(h.idat.length === 1 ? h.idat[0] : concatBytes(h.idat), { maxOutputLength: expected });
  } catch {
    return undefined;
  }
  if (filtered.length !== expected) return undefined;
  // A plain Uint8Array view (not a Buffer) keeps the stream builder's pixel loops monomorphic.
  return unfilter(new Uint8Array(filtered.buffer, filtered.byteOffset, filtered.length), h.height, stride, bpp);
}

/** A chunk's CRC (over its type and data) against the one stored after it; `payload` views `bytes`. */
function crcHolds(bytes: Uint8Array, payload: Uint8Array): boolean {
  const data = payload.byteOffset - bytes.byteOffset;
  const end = data + payload.length;
  if (end + 4 > bytes.length) return false;
  return crc32(bytes.subarray(data - 4, end)) === u32be(bytes, end);
}

/**
 * PNG's five row filters undone (RFC 2083, 6) in place: row y moves y + 1 bytes down as it is
 * unfiltered (its filter bytes dropped), always onto bytes already read, so the pixels need no
 * second buffer (a new one costs a page fault every 4 KB on first touch). A filter type over 4
 * makes the file not plain.
 */
function unfilter(buf: Uint8Array, height: number, stride: number, bpp: number): Uint8Array | undefined {
  for (let y = 0; y < height; y++) {
    const filter = buf[y * (stride + 1)];
    const s = y * (stride + 1) + 1;
    const o = y * stride;
    const up = o - stride; // the row above, already unfiltered; absent on the first row
    switch (filter) {
      case 0:
        buf.copyWithin(o, s, s + stride);
        break;
      case 1:
        for (let x = 0; x < stride; x++) buf[o + x] = buf[s + x] + (x >= bpp ? buf[o + x - bpp] : 0);
        break;
      case 2:
        for (let x = 0; x < stride; x++) buf[o + x] = buf[s + x] + (y > 0 ? buf[up + x] : 0);
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const left = x >= bpp ? buf[o + x - bpp] : 0;
          const above = y > 0 ? buf[up + x] : 0;
          buf[o + x] = buf[s + x] + ((left + above) >> 1);
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? buf[o + x - bpp] : 0;
          const b = y > 0 ? buf[up + x] : 0;
          const c = x >= bpp && y > 0 ? buf[up + x - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          buf[o + x] = buf[s + x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        return undefined;
    }
  }
  return buf.subarray(0, stride * height);
}
