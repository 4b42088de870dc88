// libwebp compiled to WebAssembly (@jsquash/webp), run on the calling thread, for the small
// WebPs that most requests carry. sharp hands an image between libvips threads strip by strip:
// about 40 context switches and 4.6 ms of CPU for a 256x256 lossy WebP on this machine, where
// the same libwebp as WebAssembly spends 1.1 ms (`node --import tsx bench/v4-decode.ts`).
// Lossy WebP decoding is bit-exact across libwebp versions and lossless is exact by design;
// test/unit/v4-webp-wasm.test.ts holds the two decoders to the same pixels.
//
// WebAssembly memory only grows, so what this decoder keeps is bounded by the files it is given:
// at most WASM_MAX_PIXELS and WASM_MAX_BYTES; anything larger, and anything it cannot decode,
// goes to sharp, which also names the error (truncated or corrupt).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as jsquash from '@jsquash/webp/decode.js';

// The package's types are for browsers (ImageData, an ArrayBuffer in); what it does in Node:
const codec = jsquash as unknown as {
  init(module: WebAssembly.Module): Promise<void>;
  default(data: Uint8Array): Promise<{ data: Uint8ClampedArray; width: number; height: number }>;
};

/** 2 Mpx: the RGBA output (8 MB) plus libwebp's own buffers stay a few tens of MB a thread. */
export const WASM_MAX_PIXELS = 2_000_000;
/** Files larger than this (a small image with a long tail, say) are not copied into WebAssembly. */
export const WASM_MAX_BYTES = 4 * 1024 * 1024;

let ready: Promise<void> | undefined;

function load(): Promise<void> {
  const path = fileURLToPath(import.meta.resolve('@jsquash/webp/codec/dec/webp_dec.wasm'));
  // Compiled from the installed file: nothing is fetched at run time.
  return codec.init(new WebAssembly.Module(readFileSync(path)));
}

export function fitsWasm(bytes: Uint8Array, width: number, height: number): boolean {
  return bytes.length <= WASM_MAX_BYTES && width * height <= WASM_MAX_PIXELS;
}

/** RGBA pixels of the file's first image, or undefined when libwebp refuses it. */
export async function webpRgba(bytes: Uint8Array): Promise<{ rgba: Uint8ClampedArray; width: number; height: number } | undefined> {
  ready ??= load();
  await ready;
  try {
    const image = await codec.default(bytes);
    return { rgba: image.data, width: image.width, height: image.height };
  } catch {
    return undefined;
  }
}
