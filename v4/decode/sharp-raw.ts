// The one place sharp (libvips) is called: raw pixels, no colour management, no resizing.
import sharp from 'sharp';
import { V4Error } from '../errors.ts';

// One libvips worker thread per image: the agent decodes many small images side by side, and
// the machine's cores are shared with the model. The operation cache only helps re-reads.
sharp.concurrency(1);
sharp.cache(false);

export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface RawOptions {
  maxPixels: number;
  /** The size the container header declared; libvips must agree or the file is corrupt. */
  width: number;
  height: number;
  /** 'b-w' keeps grey images at one band (plus alpha); 'cmyk' returns the CMYK bands as stored. */
  colourspace?: 'b-w' | 'cmyk';
}

export async function sharpRaw(bytes: Uint8Array, format: string, options: RawOptions): Promise<RawPixels> {
  try {
    // ignoreIcc: the reference decoder applies no ICC profile; neither may we.
    let image = sharp(bytes, { ignoreIcc: true, failOn: 'truncated', limitInputPixels: options.maxPixels });
    if (options.colourspace === 'cmyk') image = image.pipelineColourspace('cmyk').toColourspace('cmyk');
    else if (options.colourspace === 'b-w') image = image.toColourspace('b-w');
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== options.width || info.height !== options.height) {
      throw new V4Error('CORRUPT_IMAGE', `${format}: header says ${options.width}x${options.height}, image data is ${info.width}x${info.height}`);
    }
    // A plain Uint8Array view (not a Buffer) keeps the pixel loops monomorphic.
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { data: pixels, width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw e instanceof V4Error ? e : toV4Error(e, format);
  }
}

function toV4Error(e: unknown, format: string): V4Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(message)) return new V4Error('TOO_MANY_PIXELS', `${format}: ${message}`, { cause: e });
  if (!/corrupt/i.test(message) && /premature end|truncat|unexpected end|end of (file|input|stream)|not enough data/i.test(message)) {
    return new V4Error('TRUNCATED_IMAGE', `${format} data ends early: ${firstLine(message)}`, { cause: e });
  }
  return new V4Error('CORRUPT_IMAGE', `${format} data could not be decoded: ${firstLine(message)}`, { cause: e });
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0];
}
