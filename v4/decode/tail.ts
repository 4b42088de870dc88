// The bytes after the end of the image, by the reference's per-format rules (quirks kept:
// PNG skips 4 bytes past IEND's CRC, GIF cuts at the last 0x3B wherever it is).
import type { ImageFormat } from '../contract.ts';
import { lastIndexOf, u32le } from './bytes.ts';

export const TAIL_MIN_FILE_BYTES = 1000;
export const TAIL_MAX_BYTES = 2048;
const WEBP_SLACK = 100;

export function imageTail(bytes: Uint8Array, format: ImageFormat): Uint8Array | null {
  if (bytes.length < TAIL_MIN_FILE_BYTES) return null;
  const start = tailStart(bytes, format);
  if (start === null || start >= bytes.length) return null;
  return bytes.subarray(start, Math.min(bytes.length, start + TAIL_MAX_BYTES));
}

function tailStart(bytes: Uint8Array, format: ImageFormat): number | null {
  switch (format) {
    case 'JPEG': {
      const eoi = lastIndexOf(bytes, [0xff, 0xd9]);
      return eoi < 0 ? null : eoi + 2;
    }
    case 'PNG': {
      const iend = lastIndexOf(bytes, [0x49, 0x45, 0x4e, 0x44]);
      return iend < 0 ? null : iend + 12;
    }
    case 'GIF': {
      const trailer = bytes.lastIndexOf(0x3b);
      return trailer < 0 ? null : trailer + 1;
    }
    case 'WEBP': {
      const end = 8 + u32le(bytes, 4);
      return bytes.length > end + WEBP_SLACK ? end : null;
    }
    default:
      return null;
  }
}
