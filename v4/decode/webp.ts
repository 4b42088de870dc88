// WebP: RIFF chunk walk (size from VP8/VP8L/VP8X, alpha and animation flags, EXIF chunk),
// pixels from libwebp: as WebAssembly on this thread for still images of common size
// (wasm-decoder.ts says why), else from sharp. libwebp's lossy decoder is bit-exact across
// versions, so either copy gives Pillow's pixels.
import { V4Error } from '../errors.ts';
import { ascii, need, u16le, u24le, u32le } from './bytes.ts';
import type { DecodedPixels } from './decoded-image.ts';
import { sharpRaw } from './sharp-raw.ts';
import * as webpCodec from '@jsquash/webp/decode.js';
import { WasmDecoder, type JsquashCodec } from './wasm-decoder.ts';

export interface WebpHeader {
  width: number;
  height: number;
  /**
   * Whether the image is RGBA, as libwebp's demuxer flags it (which is what Pillow and libvips
   * go by): the VP8X alpha flag, or a lossless image's alpha bit; a plain lossy image has none.
   */
  alpha: boolean;
  /** An animation (VP8X flag): only sharp decodes these. */
  animated: boolean;
  /** The first EXIF chunk of an extended (VP8X) file, as libwebp's demuxer hands it to Pillow. */
  exif: Uint8Array | null;
  /** Its pixels are VP8 (lossy), not VP8L; an animation's frames are not looked into (false). */
  lossy: boolean;
}

export const webpWasm = new WasmDecoder(webpCodec as unknown as JsquashCodec, '@jsquash/webp/codec/dec/webp_dec.wasm');

const VP8X_ALPHA = 0x10;
const VP8X_ANIMATION = 0x02;

export function readWebpHeader(bytes: Uint8Array): WebpHeader {
  need(bytes, 30, 'WebP header');
  // The RIFF size says how long the file is; less means it was cut (a longer file has a tail).
  need(bytes, 8 + u32le(bytes, 4), 'WebP RIFF container');
  const kind = ascii(bytes, 12, 4);
  const d = 20; // first chunk's payload
  if (kind === 'VP8 ') {
    if (bytes[d + 3] !== 0x9d || bytes[d + 4] !== 0x01 || bytes[d + 5] !== 0x2a) {
      throw new V4Error('CORRUPT_IMAGE', 'WebP: bad VP8 start code');
    }
    return checked({ width: u16le(bytes, d + 6) & 0x3fff, height: u16le(bytes, d + 8) & 0x3fff, alpha: false, animated: false, exif: null, lossy: true });
  }
  if (kind === 'VP8L') {
    if (bytes[d] !== 0x2f) throw new V4Error('CORRUPT_IMAGE', 'WebP: bad VP8L signature');
    const bits = u32le(bytes, d + 1);
    return checked({ width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1, animated: false, exif: null, lossy: false });
  }
  if (kind === 'VP8X') {
    const flags = bytes[d];
    return checked({
      width: u24le(bytes, d + 4) + 1,
      height: u24le(bytes, d + 7) + 1,
      alpha: (flags & VP8X_ALPHA) !== 0,
      animated: (flags & VP8X_ANIMATION) !== 0,
      exif: findChunk(bytes, 'EXIF'),
      lossy: findChunk(bytes, 'VP8 ') !== null,
    });
  }
  throw new V4Error('CORRUPT_IMAGE', `WebP: unknown first chunk "${kind}"`);
}

function checked(h: WebpHeader): WebpHeader {
  if (h.width === 0 || h.height === 0) throw new V4Error('CORRUPT_IMAGE', 'WebP: zero width or height');
  return h;
}

function findChunk(bytes: Uint8Array, fourcc: string): Uint8Array | null {
  let p = 12;
  while (p + 8 <= bytes.length) {
    const size = u32le(bytes, p + 4);
    if (ascii(bytes, p, 4) === fourcc) return p + 8 + size <= bytes.length ? bytes.subarray(p + 8, p + 8 + size) : null;
    p += 8 + size + (size & 1);
  }
  return null;
}

export async function decodeWebp(bytes: Uint8Array, h: WebpHeader, maxPixels: number): Promise<DecodedPixels> {
  const channels = h.alpha ? 4 : 3;
  const pixels = h.animated ? undefined : await webpWasm.pixels(bytes, h.width, h.height, channels);
  if (pixels) return { format: 'WEBP', mode: h.alpha ? 'RGBA' : 'RGB', width: h.width, height: h.height, pixels, channels, palette: null, indices: null };
  const raw = await sharpRaw(bytes, 'WebP', { maxPixels, width: h.width, height: h.height });
  // Pillow opens a WebP as RGBA exactly when libwebp reports alpha, which is when sharp keeps it.
  const mode = raw.channels === 4 ? 'RGBA' : 'RGB';
  return { format: 'WEBP', mode, width: h.width, height: h.height, pixels: raw.data, channels: raw.channels as 3 | 4, palette: null, indices: null };
}
