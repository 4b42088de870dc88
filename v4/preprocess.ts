// The public entry of the V4 input path: file bytes -> the eight streams, timed in two
// phases (decode, preprocess). Every bad input ends as a V4Error.
import type { ImageFormat, ImageMode, V4Streams } from './contract.ts';
import { decodeImage } from './decode/decode.ts';
import { imageTail } from './decode/tail.ts';
import { DEFAULT_LIMITS, type DecodeLimits } from './limits.ts';
import { buildStreams } from './streams/build-streams.ts';
import type { StreamBuffers } from './streams/stream-buffers.ts';

export interface ImageInfo {
  format: ImageFormat;
  mode: ImageMode;
  width: number;
  height: number;
  bytes: number;
  /** The pixels went through lossy compression (JPEG, lossy WebP). */
  lossy: boolean;
}

export interface Preprocessed {
  info: ImageInfo;
  streams: V4Streams;
  decodeMs: number;
  preprocessMs: number;
}

/**
 * `into`: write the big streams into these buffers (stream-buffers.ts), for a caller that is done
 * with the previous image's streams before it preprocesses the next.
 */
export async function preprocess(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS, into?: StreamBuffers): Promise<Preprocessed> {
  const t0 = performance.now();
  const image = await decodeImage(bytes, limits);
  const t1 = performance.now();
  const streams = buildStreams(image, imageTail(bytes, image.format), into);
  const t2 = performance.now();
  return {
    info: { format: image.format, mode: image.mode, width: image.width, height: image.height, bytes: bytes.length, lossy: image.lossy },
    streams,
    decodeMs: t1 - t0,
    preprocessMs: t2 - t1,
  };
}
