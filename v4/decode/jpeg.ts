// JPEG: marker walk up to the first scan (size, components, EXIF), then pixels: grey and colour
// images of common size from libjpeg as WebAssembly on this thread (wasm-decoder.ts says why),
// the rest from sharp. Both are libjpeg-turbo's decoder (mozjpeg), which decodes exactly as
// Pillow's does (islow IDCT, fancy upsampling); CMYK is taken as stored and converted the way
// Pillow does, without a colour profile.
import type { ImageMode } from '../contract.ts';
import { V4Error } from '../errors.ts';
import { need, u16be } from './bytes.ts';
import { cmykToRgb } from './cmyk.ts';
import type { DecodedPixels } from './decoded-image.ts';
import { sharpRaw } from './sharp-raw.ts';
import * as jpegCodec from '@jsquash/jpeg/decode.js';
import { WasmDecoder, type JsquashCodec } from './wasm-decoder.ts';

export const jpegWasm = new WasmDecoder(jpegCodec as unknown as JsquashCodec, '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');

export interface JpegHeader {
  width: number;
  height: number;
  components: number;
  /** The first APP1 segment starting "Exif\0", as Pillow's info["exif"] holds it. */
  exif: Uint8Array | null;
}

const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  let exif: Uint8Array | null = null;
  let sof: { width: number; height: number; components: number } | null = null;
  let p = 2;
  for (;;) {
    need(bytes, p + 2, 'JPEG headers');
    if (bytes[p] !== 0xff) {
      p++; // Pillow skips junk between segments
      continue;
    }
    const marker = bytes[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    if (marker === 0xd9) throw new V4Error('CORRUPT_IMAGE', 'JPEG: end of image before any scan');
    need(bytes, p + 4, 'JPEG segment length');
    const length = u16be(bytes, p + 2);
    if (length < 2) throw new V4Error('CORRUPT_IMAGE', `JPEG: segment 0x${marker.toString(16)} has length ${length}`);
    need(bytes, p + 2 + length, `JPEG segment 0x${marker.toString(16)}`);
    const data = bytes.subarray(p + 4, p + 2 + length);
    if (marker === 0xda) break;
    if (isSof(marker) && data.length >= 6) {
      sof = { height: u16be(data, 1), width: u16be(data, 3), components: data[5] };
    } else if (marker === 0xe1 && !exif && isExif(data)) {
      exif = data;
    }
    p += 2 + length;
  }
  if (!sof) throw new V4Error('CORRUPT_IMAGE', 'JPEG: no frame header before the first scan');
  if (sof.width === 0 || sof.height === 0) throw new V4Error('CORRUPT_IMAGE', 'JPEG: zero width or height');
  return { ...sof, exif };
}

function isExif(d: Uint8Array): boolean {
  return d.length >= 5 && d[0] === 0x45 && d[1] === 0x78 && d[2] === 0x69 && d[3] === 0x66 && d[4] === 0;
}

const MODES: Record<number, ImageMode> = { 1: 'L', 3: 'RGB', 4: 'CMYK' };

export async function decodeJpeg(bytes: Uint8Array, h: JpegHeader, maxPixels: number): Promise<DecodedPixels> {
  const mode = MODES[h.components];
  if (!mode) throw new V4Error('UNSUPPORTED_FORMAT', `JPEG with ${h.components} components is not supported`);
  const base = { format: 'JPEG' as const, mode, width: h.width, height: h.height, palette: null, indices: null };
  if (mode === 'CMYK') {
    // libvips undoes Adobe's inverted CMYK, as Pillow's "CMYK;I" raw mode does.
    const raw = await sharpRaw(bytes, 'JPEG', { maxPixels, width: h.width, height: h.height, colourspace: 'cmyk' });
    return { ...base, pixels: cmykToRgb(raw.data), channels: 3 };
  }
  const channels = mode === 'L' ? 1 : 3;
  const pixels = await jpegWasm.pixels(bytes, h.width, h.height, channels);
  if (pixels) return { ...base, pixels, channels };
  const raw = await sharpRaw(bytes, 'JPEG', { maxPixels, width: h.width, height: h.height, colourspace: mode === 'L' ? 'b-w' : undefined });
  return { ...base, pixels: raw.data, channels: raw.channels as 1 | 3 };
}
