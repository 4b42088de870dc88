// PNG: chunk walk (header, palette, eXIf), then pixels. Plain 8-bit images, truecolour, grey or
// indexed, are unfiltered here (png-rows.ts); other truecolour and grey ones go through sharp,
// other indexed, 16-bit and low-bit-depth ones through fast-png, because sharp expands palettes
// and rescales 16-bit samples where Pillow keeps indices and clips.
import { inflateSync } from 'node:zlib';
import { decode as decodePngJs } from 'fast-png';
import type { ImageMode } from '../contract.ts';
import { V4Error } from '../errors.ts';
import { ascii, concatBytes, need, u32be } from './bytes.ts';
import type { DecodedPixels } from './decoded-image.ts';
import { plainPngIndices, plainPngPixels } from './png-rows.ts';
import { sharpRaw } from './sharp-raw.ts';

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
  /** PLTE payload, if any. */
  plte: Uint8Array | null;
  /** The last eXIf chunk's payload (Pillow keeps the last one it reads). */
  exif: Uint8Array | null;
  /** The IDAT payloads, in order: views into the file, so each one's CRC follows it there. */
  idat: Uint8Array[];
  /** A tRNS chunk was read (sharp then adds an alpha band to grey and RGB images). */
  trns: boolean;
  /** The walk reached IEND. */
  ended: boolean;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function readPngHeader(bytes: Uint8Array): PngHeader {
  need(bytes, 33, 'PNG header');
  if (ascii(bytes, 12, 4) !== 'IHDR') throw new V4Error('CORRUPT_IMAGE', 'PNG: the first chunk is not IHDR');
  const header: PngHeader = {
    width: u32be(bytes, 16),
    height: u32be(bytes, 20),
    depth: bytes[24],
    colorType: bytes[25],
    interlaced: bytes[28] === 1,
    plte: null,
    exif: null,
    idat: [],
    trns: false,
    ended: false,
  };
  if (CHANNELS[header.colorType] === undefined) throw new V4Error('CORRUPT_IMAGE', `PNG: unknown colour type ${header.colorType}`);
  if (![1, 2, 4, 8, 16].includes(header.depth)) throw new V4Error('CORRUPT_IMAGE', `PNG: bad bit depth ${header.depth}`);
  walkChunks(bytes, header);
  return header;
}

function walkChunks(bytes: Uint8Array, header: PngHeader): void {
  let p = 8;
  while (p + 8 <= bytes.length) {
    const length = u32be(bytes, p);
    const type = ascii(bytes, p + 4, 4);
    const data = p + 8;
    if (type === 'IEND') {
      header.ended = true;
      return;
    }
    if (data + length > bytes.length) {
      // A cut ancillary chunk after the image data is harmless; cut image data is not.
      if (header.idat.length === 0 || type === 'IDAT') need(bytes, data + length, `PNG ${type} chunk`);
      return;
    }
    const payload = bytes.subarray(data, data + length);
    if (type === 'IDAT') header.idat.push(payload);
    else if (type === 'tRNS') header.trns = true;
    else if (type === 'PLTE') header.plte = payload;
    else if (type === 'eXIf') header.exif = payload;
    p = data + length + 4;
  }
  if (header.idat.length === 0) throw new V4Error('TRUNCATED_IMAGE', 'PNG: the file ends before any image data');
}

/** Pillow's info["exif"] for PNG: the eXIf payload behind an "Exif\0\0" prefix. */
export function pngExif(header: PngHeader): Uint8Array | null {
  if (!header.exif) return null;
  const out = new Uint8Array(6 + header.exif.length);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
  out.set(header.exif, 6);
  return out;
}

function pngMode(h: PngHeader): ImageMode {
  switch (h.colorType) {
    case 0:
      // Pillow: 16-bit grey is "I"; 1-bit grey is "1", which converts to RGB exactly like an L
      // image holding 0/255, so it is reported as L.
      return h.depth === 16 ? 'I' : 'L';
    case 2:
      return 'RGB';
    case 3:
      return 'P';
    case 4:
      return 'LA';
    default:
      return 'RGBA';
  }
}

export async function decodePng(bytes: Uint8Array, h: PngHeader, maxPixels: number): Promise<DecodedPixels> {
  const mode = pngMode(h);
  if (h.colorType !== 3 && h.depth === 8) {
    const plain = plainPngPixels(bytes, h);
    if (plain) return { format: 'PNG', mode, width: h.width, height: h.height, pixels: plain, channels: CHANNELS[h.colorType] as 1 | 2 | 3 | 4, palette: null, indices: null };
    const grey = h.colorType === 0 || h.colorType === 4;
    const raw = await sharpRaw(bytes, 'PNG', { maxPixels, width: h.width, height: h.height, colourspace: grey ? 'b-w' : undefined });
    // An RGB or grey image with tRNS comes back with an alpha band; Pillow keeps it RGB / L, so
    // the band is carried but ignored (the mode says whether alpha counts).
    return { format: 'PNG', mode, width: h.width, height: h.height, pixels: raw.data, channels: raw.channels as 1 | 2 | 3 | 4, palette: null, indices: null };
  }
  const indices = plainPngIndices(bytes, h);
  if (indices) return { format: 'PNG', mode, width: h.width, height: h.height, pixels: null, channels: 1, palette: h.plte, indices };
  return decodeWithFastPng(bytes, h, mode);
}

function decodeWithFastPng(bytes: Uint8Array, h: PngHeader, mode: ImageMode): DecodedPixels {
  checkInflatedSize(h);
  let png;
  try {
    png = decodePngJs(bytes);
  } catch (e) {
    throw new V4Error('CORRUPT_IMAGE', `PNG data could not be decoded: ${(e as Error).message}`, { cause: e });
  }
  const { width, height } = h;
  const base = { format: 'PNG' as const, mode, width, height, palette: null, indices: null };
  const channels = CHANNELS[h.colorType];
  if (h.colorType === 3) {
    if (!h.plte) throw new V4Error('CORRUPT_IMAGE', 'PNG: an indexed image without a PLTE chunk');
    const indices = h.depth === 8 ? (png.data as Uint8Array) : unpackRows(png.data as Uint8Array, width, height, h.depth, 1);
    return { ...base, pixels: null, channels: 1, palette: h.plte, indices };
  }
  if (h.depth === 16) {
    const src = png.data as Uint16Array;
    const out = new Uint8Array(src.length);
    // "I" (16-bit grey) is clipped to 0..255 on the way to RGB; every other 16-bit mode keeps
    // the high byte (Pillow's ";16B" raw modes).
    if (mode === 'I') for (let i = 0; i < src.length; i++) out[i] = src[i] > 255 ? 255 : src[i];
    else for (let i = 0; i < src.length; i++) out[i] = src[i] >> 8;
    return { ...base, pixels: out, channels: channels as 1 | 2 | 3 | 4 };
  }
  // Grey at 1, 2 or 4 bits: Pillow scales the samples to 0..255.
  const scale = h.depth === 1 ? 255 : h.depth === 2 ? 85 : 17;
  const grey = unpackRows(png.data as Uint8Array, width, height, h.depth, scale);
  return { ...base, pixels: grey, channels: 1 };
}

/** Unpack rows of 1/2/4-bit samples (each row starts on a byte) to one byte a sample. */
function unpackRows(packed: Uint8Array, width: number, height: number, depth: number, scale: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const v = (packed[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
      out[y * width + x] = v * scale;
    }
  }
  return out;
}

/**
 * fast-png inflates the whole IDAT stream in memory. A small file can inflate to gigabytes, so
 * first inflate with a hard cap of what the header's size can legitimately need.
 */
function checkInflatedSize(h: PngHeader): void {
  const rowBytes = Math.ceil((h.width * CHANNELS[h.colorType] * h.depth) / 8);
  // Adam7 adds a filter byte per pass row (under two rows a row) and a byte of rounding each.
  const cap = (rowBytes + 4) * h.height * 2 + 64;
  try {
    inflateSync(concatBytes(h.idat), { maxOutputLength: cap });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new V4Error('CORRUPT_IMAGE', 'PNG: the image data inflates past the size its header declares', { cause: e });
    if (code === 'Z_BUF_ERROR') throw new V4Error('TRUNCATED_IMAGE', 'PNG: the image data ends early', { cause: e });
    throw new V4Error('CORRUPT_IMAGE', `PNG: the image data does not inflate: ${(e as Error).message}`, { cause: e });
  }
}
