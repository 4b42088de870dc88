// BMP: the uncompressed, bottom-up 24-bit and 8-bit palette files (what encoders write by
// default) are decoded with fast-bmp. Other variants are refused by name rather than guessed.
import { decode as decodeBmpJs } from 'fast-bmp';
import { V4Error } from '../errors.ts';
import { i32le, need, u16le, u32le } from './bytes.ts';
import type { DecodedPixels } from './decoded-image.ts';

export interface BmpHeader {
  width: number;
  /** Rows; a negative height in the file (top-down rows) is reported as its absolute value. */
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  compression: number;
  headerSize: number;
  colorsUsed: number;
}

export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  need(bytes, 26, 'BMP header');
  const headerSize = u32le(bytes, 14);
  if (headerSize === 12) {
    return { width: u16le(bytes, 18), height: u16le(bytes, 20), topDown: false, bitsPerPixel: u16le(bytes, 24), compression: 0, headerSize, colorsUsed: 0 };
  }
  if (headerSize < 40) throw new V4Error('CORRUPT_IMAGE', `BMP: bad info header size ${headerSize}`);
  need(bytes, 54, 'BMP info header');
  const width = i32le(bytes, 18);
  const rawHeight = i32le(bytes, 22);
  if (width <= 0 || rawHeight === 0) throw new V4Error('CORRUPT_IMAGE', `BMP: bad size ${width}x${rawHeight}`);
  return {
    width,
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bitsPerPixel: u16le(bytes, 28),
    compression: u32le(bytes, 30),
    headerSize,
    colorsUsed: u32le(bytes, 46),
  };
}

export function decodeBmp(bytes: Uint8Array, h: BmpHeader): DecodedPixels {
  const supported = h.headerSize >= 40 && !h.topDown && h.compression === 0 && (h.bitsPerPixel === 24 || h.bitsPerPixel === 8);
  if (!supported) {
    throw new V4Error(
      'UNSUPPORTED_FORMAT',
      `BMP variant not supported (${h.bitsPerPixel} bits, compression ${h.compression}${h.topDown ? ', top-down' : ''}); ` +
        'only uncompressed bottom-up 24-bit and 8-bit palette BMPs are',
    );
  }
  const offset = u32le(bytes, 10);
  const stride = Math.ceil((h.width * h.bitsPerPixel) / 32) * 4;
  need(bytes, offset + stride * h.height, 'BMP pixel data');
  let data: Uint8Array;
  try {
    data = decodeBmpJs(bytes).data as Uint8Array; // the decoder always returns a Uint8Array
  } catch (e) {
    throw new V4Error('CORRUPT_IMAGE', `BMP data could not be decoded: ${(e as Error).message}`, { cause: e });
  }
  const base = { format: 'BMP' as const, width: h.width, height: h.height };
  if (h.bitsPerPixel === 24) return { ...base, mode: 'RGB', pixels: data, channels: 3, palette: null, indices: null };
  return withPalette(bytes, h, data);
}

/** 8-bit BMP: Pillow opens it as "L" when the palette is the grey ramp, else as "P". */
function withPalette(bytes: Uint8Array, h: BmpHeader, indices: Uint8Array): DecodedPixels {
  const colors = h.colorsUsed || 256;
  if (colors > 256) throw new V4Error('CORRUPT_IMAGE', `BMP: ${colors} palette colours for 8-bit pixels`);
  const start = 14 + h.headerSize;
  need(bytes, start + colors * 4, 'BMP palette');
  const palette = new Uint8Array(colors * 3);
  let grey = true;
  for (let i = 0; i < colors; i++) {
    const b = bytes[start + i * 4];
    const g = bytes[start + i * 4 + 1];
    const r = bytes[start + i * 4 + 2];
    palette.set([r, g, b], i * 3);
    const ramp = colors === 2 ? i * 255 : i; // two colours: Pillow's "1" ramp is 0, 255
    if (r !== ramp || g !== ramp || b !== ramp) grey = false;
  }
  const base = { format: 'BMP' as const, width: h.width, height: h.height, channels: 1 as const };
  if (grey) return { ...base, mode: 'L', pixels: indices, palette: null, indices: null };
  return { ...base, mode: 'P', pixels: null, palette, indices };
}
