// Raw bytes -> DecodedImage: sniff, enforce the limits from the header alone, decode, and
// attach the EXIF block. Every failure is a V4Error; nothing is allocated for pixels before
// the pixel limit has passed.
import type { ImageFormat } from '../contract.ts';
import { V4Error, isV4Error } from '../errors.ts';
import type { DecodeLimits } from '../limits.ts';
import { decodeBmp, readBmpHeader } from './bmp.ts';
import type { DecodedImage, DecodedPixels } from './decoded-image.ts';
import { decodeGif, readGifHeader } from './gif.ts';
import { decodeJpeg, readJpegHeader } from './jpeg.ts';
import { decodePng, pngExif, readPngHeader } from './png.ts';
import { sniffFormat } from './sniff.ts';
import { decodeWebp, readWebpHeader } from './webp.ts';

export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
  if (bytes.length === 0) throw new V4Error('EMPTY_INPUT', 'the image is empty (0 bytes)');
  if (bytes.length > limits.maxBytes) {
    throw new V4Error('TOO_MANY_BYTES', `the image has ${bytes.length} bytes, more than the limit of ${limits.maxBytes}`);
  }
  const format = sniffFormat(bytes);
  try {
    return checkDecoded(await decodeFormat(bytes, format, limits));
  } catch (e) {
    if (isV4Error(e)) throw e;
    throw new V4Error('CORRUPT_IMAGE', `${format} could not be decoded: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

/** The stream builder indexes pixels by the declared size; a decoder that gave less is a bad file. */
function checkDecoded(image: DecodedImage): DecodedImage {
  const n = image.width * image.height;
  const ok = image.indices ? image.indices.length >= n && image.palette !== null : (image.pixels?.length ?? 0) >= n * image.channels;
  if (!ok) throw new V4Error('CORRUPT_IMAGE', `${image.format}: decoded pixel data is shorter than ${image.width}x${image.height}`);
  return image;
}

function checkPixels(format: ImageFormat, width: number, height: number, limits: DecodeLimits): void {
  if (width <= 0 || height <= 0) throw new V4Error('CORRUPT_IMAGE', `${format}: bad size ${width}x${height}`);
  if (width * height > limits.maxPixels) {
    throw new V4Error('TOO_MANY_PIXELS', `${format} is ${width}x${height} = ${width * height} pixels, more than the limit of ${limits.maxPixels}`);
  }
}

async function decodeFormat(bytes: Uint8Array, format: ImageFormat, limits: DecodeLimits): Promise<DecodedImage> {
  const withExtras = (p: DecodedPixels, exif: Uint8Array | null, lossy = false): DecodedImage => ({ ...p, exif, lossy });
  switch (format) {
    case 'PNG': {
      const h = readPngHeader(bytes);
      checkPixels(format, h.width, h.height, limits);
      return withExtras(await decodePng(bytes, h, limits.maxPixels), pngExif(h));
    }
    case 'JPEG': {
      const h = readJpegHeader(bytes);
      checkPixels(format, h.width, h.height, limits);
      return withExtras(await decodeJpeg(bytes, h, limits.maxPixels), h.exif, true);
    }
    case 'WEBP': {
      const h = readWebpHeader(bytes);
      checkPixels(format, h.width, h.height, limits);
      return withExtras(await decodeWebp(bytes, h, limits.maxPixels), h.exif, h.lossy);
    }
    case 'GIF': {
      const h = readGifHeader(bytes);
      checkPixels(format, h.width, h.height, limits);
      return withExtras(decodeGif(bytes, h), null);
    }
    case 'BMP': {
      const h = readBmpHeader(bytes);
      checkPixels(format, h.width, h.height, limits);
      return withExtras(decodeBmp(bytes, h), null);
    }
  }
}
