// libwebp and libjpeg (mozjpeg) compiled to WebAssembly (@jsquash), run on the calling thread,
// for the small still images that most requests carry. sharp hands an image between libvips
// threads strip by strip: 20-40 context switches a 256x256 image, which on this machine cost more
// than the decoding (3.4-4.7 ms of CPU for a WebP and 1.6-1.8 for a JPEG against 1.5 and 1.1
// here: `node --import tsx bench/v4-decode.ts`). Same decoder sources as sharp's, same pixels:
// test/unit/v4-wasm-decoder.test.ts holds the two to that.
//
// Whatever the WebAssembly decoder is unsure of goes to sharp, which also names the error: a file
// it refuses, or any message it prints (libjpeg warns of a truncated or corrupt file and goes on
// with grey, where sharp and Pillow refuse it). WebAssembly memory only grows, so the files it
// gets are bounded (WASM_MAX_PIXELS, WASM_MAX_BYTES), and after a failure, which in libjpeg
// ends the C program mid-decode with its memory and stack still held, the instance is replaced.
// A new instance costs 5-15 ms (a tiny good JPEG: 0.1 ms), so a stream of broken files must not
// make one each: after a failure the decoder rests for PAUSE_AFTER_FAILURE_MS, its files going
// to sharp as before, which bounds the replacements to one a second.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** 2 Mpx: the RGBA output (8 MB) plus the decoder's own buffers stay a few tens of MB a thread. */
export const WASM_MAX_PIXELS = 2_000_000;
/** Files larger than this (a small image with a long tail, say) are not copied into WebAssembly. */
export const WASM_MAX_BYTES = 4 * 1024 * 1024;
export const PAUSE_AFTER_FAILURE_MS = 1000;

export function fitsWasm(bytes: Uint8Array, width: number, height: number): boolean {
  return bytes.length <= WASM_MAX_BYTES && width * height <= WASM_MAX_PIXELS;
}

export interface Rgba {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** What a @jsquash decode module does in Node (its types are written for browsers). */
export interface JsquashCodec {
  init(module: WebAssembly.Module, options: { print(s: string): void; printErr(s: string): void }): Promise<void>;
  default(data: Uint8Array): Promise<{ data: Uint8ClampedArray; width: number; height: number }>;
}

export class WasmDecoder {
  private module: WebAssembly.Module | undefined;
  private ready: Promise<void> | undefined;
  private messages = 0;
  private restingUntil = 0;
  private made = 0;

  /** `wasm`: the package's .wasm file, compiled from the installed copy (nothing is fetched). */
  constructor(
    private readonly codec: JsquashCodec,
    private readonly wasm: string,
  ) {}

  /** WebAssembly instances made so far (a new one after a failure). */
  get instances(): number {
    return this.made;
  }

  /**
   * The pixels of an image the header says is width x height, `channels` bytes each (fromRgba), or
   * undefined when the file is past the bounds, or refused, doubted or of another size: sharp's then.
   */
  async pixels(bytes: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Promise<Uint8Array | undefined> {
    if (!fitsWasm(bytes, width, height)) return undefined;
    const image = await this.rgba(bytes);
    return image && image.width === width && image.height === height ? fromRgba(image.rgba, channels) : undefined;
  }

  /** RGBA pixels of the file's (first) image, or undefined when the decoder refuses or doubts it. */
  async rgba(bytes: Uint8Array): Promise<Rgba | undefined> {
    if (Date.now() < this.restingUntil) return undefined;
    this.ready ??= this.instantiate();
    await this.ready;
    const before = this.messages;
    try {
      const image = await this.codec.default(bytes);
      if (this.messages !== before) return undefined;
      return { rgba: image.data, width: image.width, height: image.height };
    } catch (e) {
      // A plain refusal (@jsquash's 'Decoding error': the decoder returned no image) leaves the
      // instance sound; anything else is the C program ending mid-decode.
      if (!(e instanceof Error && e.message === 'Decoding error')) {
        this.ready = undefined;
        this.restingUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      }
      return undefined;
    }
  }

  private instantiate(): Promise<void> {
    this.module ??= new WebAssembly.Module(readFileSync(fileURLToPath(import.meta.resolve(this.wasm))));
    const heard = (): void => {
      this.messages++;
    };
    this.made++;
    return this.codec.init(this.module, { print: heard, printErr: heard });
  }
}

/** The first `channels` bytes of each RGBA pixel: grey (R = G = B), RGB, or RGBA as it is. */
export function fromRgba(rgba: Uint8ClampedArray, channels: 1 | 3 | 4): Uint8Array {
  if (channels === 4) return new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
  const out = new Uint8Array((rgba.length >> 2) * channels);
  if (channels === 1) for (let i = 0, o = 0; o < out.length; i += 4, o++) out[o] = rgba[i];
  else
    for (let i = 0, o = 0; o < out.length; i += 4, o += 3) {
      out[o] = rgba[i];
      out[o + 1] = rgba[i + 1];
      out[o + 2] = rgba[i + 2];
    }
  return out;
}
