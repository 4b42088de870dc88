// GIF: the first frame in palette mode, as Pillow 9.4 opens it. A block walk finds the first
// image (its size, palette, transparency, data) and checks it is complete; gif-lzw decodes it.
import type { ImageMode } from '../contract.ts';
import { V4Error } from '../errors.ts';
import { need, u16le } from './bytes.ts';
import type { DecodedPixels } from './decoded-image.ts';
import { lzwDecode } from './gif-lzw.ts';

export interface GifHeader {
  /** Pillow's size: the logical screen, grown to hold the first frame if it sticks out. */
  width: number;
  height: number;
  frame: { left: number; top: number; width: number; height: number };
  /** The colour table frame 0 uses (local, else global), or null when there is none. */
  palette: Uint8Array | null;
  /** Transparent index from the last graphic control extension before frame 0. */
  transparency: number | null;
  interlaced: boolean;
  minCodeSize: number;
  /** Offset of frame 0's first data sub-block, and just past its last one. */
  dataStart: number;
  frameEnd: number;
}

export function readGifHeader(bytes: Uint8Array): GifHeader {
  need(bytes, 13, 'GIF header');
  const screenW = u16le(bytes, 6);
  const screenH = u16le(bytes, 8);
  let p = 13;
  let global: Uint8Array | null = null;
  if (bytes[10] & 0x80) {
    const size = 3 << ((bytes[10] & 7) + 1);
    need(bytes, p + size, 'GIF colour table');
    global = bytes.subarray(p, p + size);
    p += size;
  }
  let transparency: number | null = null;
  for (;;) {
    need(bytes, p + 1, 'GIF blocks before the first image');
    const tag = bytes[p];
    if (tag === 0x3b) throw new V4Error('CORRUPT_IMAGE', 'GIF: no image before the trailer');
    if (tag === 0x21) {
      need(bytes, p + 2, 'GIF extension');
      if (bytes[p + 1] === 0xf9 && p + 7 <= bytes.length && bytes[p + 2] >= 4) {
        transparency = bytes[p + 3] & 1 ? bytes[p + 6] : null;
      }
      p = skipSubBlocks(bytes, p + 2);
      continue;
    }
    if (tag !== 0x2c) {
      p++; // Pillow ignores stray bytes between blocks
      continue;
    }
    need(bytes, p + 10, 'GIF image descriptor');
    const frame = { left: u16le(bytes, p + 1), top: u16le(bytes, p + 3), width: u16le(bytes, p + 5), height: u16le(bytes, p + 7) };
    const flags = bytes[p + 9];
    p += 10;
    let palette = global;
    if (flags & 0x80) {
      const size = 3 << ((flags & 7) + 1);
      need(bytes, p + size, 'GIF local colour table');
      palette = bytes.subarray(p, p + size);
      p += size;
    }
    need(bytes, p + 1, 'GIF image data');
    const frameEnd = skipSubBlocks(bytes, p + 1);
    return {
      interlaced: (flags & 0x40) !== 0,
      minCodeSize: bytes[p],
      dataStart: p + 1,
      width: Math.max(screenW, frame.left + frame.width),
      height: Math.max(screenH, frame.top + frame.height),
      frame,
      palette: palette && isPaletteNeeded(palette) ? palette : null,
      transparency,
      frameEnd,
    };
  }
}

function skipSubBlocks(bytes: Uint8Array, p: number): number {
  for (;;) {
    need(bytes, p + 1, 'GIF data sub-blocks');
    const size = bytes[p];
    if (size === 0) return p + 1;
    p += 1 + size;
  }
}

/** Pillow drops a palette that is the identity grey ramp and opens the image as "L". */
function isPaletteNeeded(p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i += 3) {
    const v = i / 3;
    if (p[i] !== v || p[i + 1] !== v || p[i + 2] !== v) return true;
  }
  return false;
}

export function decodeGif(bytes: Uint8Array, h: GifHeader): DecodedPixels {
  const { frame } = h;
  const indices = new Uint8Array(frame.width * frame.height);
  const written = lzwDecode(joinSubBlocks(bytes, h.dataStart, h.frameEnd), h.minCodeSize, indices);
  const canvas = compose(h, indices, written);
  const mode: ImageMode = h.palette ? 'P' : 'L';
  const base = { format: 'GIF' as const, mode, width: h.width, height: h.height };
  if (!h.palette) return { ...base, pixels: canvas, channels: 1, palette: null, indices: null };
  return { ...base, pixels: null, channels: 1, palette: h.palette, indices: canvas };
}

function joinSubBlocks(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  let o = 0;
  for (let p = start; p < end && bytes[p] !== 0; p += 1 + bytes[p]) {
    out.set(bytes.subarray(p + 1, p + 1 + bytes[p]), o);
    o += bytes[p];
  }
  return out.subarray(0, o);
}

/** GIF89a interlacing: rows stored in four passes (every 8th from 0, 8th from 4, 4th from 2, 2nd from 1). */
function interlacedRows(height: number): Uint32Array {
  const rows = new Uint32Array(height);
  let i = 0;
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]]) for (let r = start; r < height; r += step) rows[i++] = r;
  return rows;
}

/**
 * Frame 0 on Pillow's canvas: the background is the transparent index if there is one, else 0;
 * the frame's decoded pixels go over it (only `written` of them if the data ended early).
 */
function compose(h: GifHeader, indices: Uint8Array, written: number): Uint8Array {
  const { width, height, frame } = h;
  const out = new Uint8Array(width * height);
  if (h.transparency !== null) out.fill(h.transparency);
  const rows = h.interlaced ? interlacedRows(frame.height) : null;
  for (let y = 0; y * frame.width < written; y++) {
    const row = (frame.top + (rows ? rows[y] : y)) * width + frame.left;
    const n = Math.min(frame.width, written - y * frame.width);
    out.set(indices.subarray(y * frame.width, y * frame.width + n), row);
  }
  return out;
}
