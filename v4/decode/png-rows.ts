// The pixels of a plain 8-bit PNG (grey, grey + alpha, RGB, RGBA; not interlaced, no tRNS, every
// chunk's CRC right, IEND present), inflated by Node's zlib and unfiltered on this thread. sharp
// hands each image between libvips threads strip by strip: 2.2 ms of CPU for a 256x256 RGB PNG on
// this machine, against about 1 here (`node --import tsx bench/v4-decode.ts`). PNG is lossless,
// so a well-formed file has one right answer; anything less plain, or any doubt (a bad CRC, data
// that inflates short or long), returns undefined and goes to sharp, which names the error.
import { crc32, inflateSync } from 'node:zlib';
import type { PngHeader } from './png.ts';

/** Above this sharp decodes: its threads matter less there, and this thread stays responsive. */
export const PLAIN_MAX_PIXELS = 2_000_000;

const BYTES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function plainPngPixels(bytes: Uint8Array, h: PngHeader): Uint8Array | undefined {
  const bpp = BYTES_PER_PIXEL[h.colorType];
  if (bpp === undefined || h.depth !== 8 || h.interlaced || h.trns || !h.ended || h.width * h.height > PLAIN_MAX_PIXELS) return undefined;
  if (!h.idatChunks.every((c) => crcHolds(bytes, c))) return undefined;
  const stride = h.width * bpp;
  const expected = (stride + 1) * h.height;
  let filtered: Buffer;
  try {
    filtered = inflateSync(concat(h.idat), { maxOutputLength: expected });
  } catch {
    return undefined;
  }
  if (filtered.length !== expected) return undefined;
  return unfilter(filtered, h.height, stride, bpp);
}

/** A chunk's CRC (over its type and data) against the one stored after it. */
function crcHolds(bytes: Uint8Array, chunk: { start: number; length: number }): boolean {
  const end = chunk.start + 8 + chunk.length;
  if (end + 4 > bytes.length) return false;
  const stored = ((bytes[end] << 24) | (bytes[end + 1] << 16) | (bytes[end + 2] << 8) | bytes[end + 3]) >>> 0;
  return crc32(bytes.subarray(chunk.start + 4, end)) === stored;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** PNG's five row filters undone (RFC 2083, 6); a filter type over 4 makes the file not plain. */
function unfilter(src: Uint8Array, height: number, stride: number, bpp: number): Uint8Array | undefined {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = src[y * (stride + 1)];
    const s = y * (stride + 1) + 1;
    const o = y * stride;
    const up = o - stride; // the row above in `out`; absent on the first row
    switch (filter) {
      case 0:
        out.set(src.subarray(s, s + stride), o);
        break;
      case 1:
        for (let x = 0; x < stride; x++) out[o + x] = src[s + x] + (x >= bpp ? out[o + x - bpp] : 0);
        break;
      case 2:
        for (let x = 0; x < stride; x++) out[o + x] = src[s + x] + (y > 0 ? out[up + x] : 0);
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const left = x >= bpp ? out[o + x - bpp] : 0;
          const above = y > 0 ? out[up + x] : 0;
          out[o + x] = src[s + x] + ((left + above) >> 1);
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[o + x - bpp] : 0;
          const b = y > 0 ? out[up + x] : 0;
          const c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          out[o + x] = src[s + x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        return undefined;
    }
  }
  return out;
}
