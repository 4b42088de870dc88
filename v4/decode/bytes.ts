// Bounds-checked integer reads for container parsing. A read past the end means the file was
// cut short, which is its own error code.
import { V4Error } from '../errors.ts';

export function need(bytes: Uint8Array, end: number, what: string): void {
  if (end > bytes.length) throw new V4Error('TRUNCATED_IMAGE', `the file ends inside the ${what} (${bytes.length} bytes)`);
}

export const u16be = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
export const u16le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
export const u24le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
export const u32be = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
export const u32le = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
export const i32le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);

export function ascii(b: Uint8Array, o: number, n: number): string {
  return String.fromCharCode(...b.subarray(o, o + n));
}

/** The parts one after the other, in a new array (an array of parts: a PNG may have 100,000 IDATs). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Index of the last occurrence of `needle` in `hay`, or -1. */
export function lastIndexOf(hay: Uint8Array, needle: number[]): number {
  const n = needle.length;
  outer: for (let i = hay.length - n; i >= 0; i--) {
    for (let k = 0; k < n; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}
