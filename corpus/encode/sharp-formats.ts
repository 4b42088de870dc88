// PNG (RGB/RGBA), JPEG and WebP through sharp. PNG is lossless, so pixel-method bits survive;
// JPEG and WebP carry only the exif and raw methods, which live outside the pixels.
import sharp from 'sharp';
import type { PixelImage } from '../image.ts';

export interface JpegOptions {
  quality: number;
  progressive: boolean;
  chromaSubsampling: '4:2:0' | '4:4:4';
}

export interface WebpOptions {
  lossless: boolean;
  quality: number;
  /** Encoder effort 0..6: changes the bitstream, not the pixels; above 3 costs much more time. */
  effort: number;
}

function fromPixels(image: PixelImage): ReturnType<typeof sharp> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

export async function encodePng(image: PixelImage, compressionLevel = 6): Promise<Uint8Array> {
  return new Uint8Array(await fromPixels(image).png({ compressionLevel, adaptiveFiltering: true }).toBuffer());
}

export async function encodeJpeg(image: PixelImage, options: JpegOptions): Promise<Uint8Array> {
  return new Uint8Array(await fromPixels(image).jpeg(options).toBuffer());
}

export async function encodeWebp(image: PixelImage, options: WebpOptions): Promise<Uint8Array> {
  return new Uint8Array(await fromPixels(image).webp(options).toBuffer());
}
