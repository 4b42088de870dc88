// DecodedImage + tail -> the eight V4 input streams, as the V4 contract (shared/v4-contract.md) defines them.
import { CROP, type V4Streams } from '../contract.ts';
import type { DecodedImage } from '../decode/decoded-image.ts';
import { alphaStreams } from './alpha-streams.ts';
import { contentStats } from './content-stats.ts';
import { centreCrop } from './crop.ts';
import { metaStream } from './meta-stream.ts';
import { paletteLsbStream, paletteStream } from './palette-streams.ts';
import { rgbStreams } from './rgb-streams.ts';
import type { StreamBuffers } from './stream-buffers.ts';
import { sharedZeros } from './zeros.ts';

/** `into`: reuse these buffers for pixel_tensor and lsb (the caller is done with the last image's). */
export function buildStreams(image: DecodedImage, tail: Uint8Array | null, into?: StreamBuffers): V4Streams {
  const crop = centreCrop(image.width, image.height);
  const rgb = rgbStreams(image, crop, into);
  const isRgba = image.mode === 'RGBA';
  const isPalette = image.mode === 'P';
  const alpha = isRgba ? alphaStreams(image, crop) : null;
  const alphaStats = alpha ? contentStats(alpha.packedLsb) : [0, 0, 0];
  return {
    pixel_tensor: rgb.pixel,
    meta: metaStream(image.exif, tail),
    alpha: alpha ? alpha.alpha : sharedZeros('alpha'),
    lsb: rgb.lsb,
    palette: isPalette ? paletteStream(image.palette!) : sharedZeros('palette'),
    palette_lsb: isPalette ? paletteLsbStream(image, crop) : sharedZeros('palette_lsb'),
    format_features: Float32Array.of(
      isRgba ? 1 : 0,
      alpha ? alpha.std / 255 : 0,
      isPalette ? 1 : 0,
      image.mode === 'RGB' ? 1 : 0,
      image.width / CROP,
      image.height / CROP,
    ),
    content_features: Float32Array.of(...contentStats(rgb.packedLsb), ...alphaStats),
  };
}
