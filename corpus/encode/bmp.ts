// 24-bit BMP written by fast-bmp (uncompressed, so every pixel bit is kept).
import { encode } from 'fast-bmp';
import type { PixelImage } from '../image.ts';

export function encodeBmp(image: PixelImage): Uint8Array {
  if (image.channels !== 3) throw new Error('BMP encoding takes RGB pixels');
  return encode({
    width: image.width,
    height: image.height,
    data: image.data,
    bitsPerPixel: 24,
    channels: 3,
    components: 3,
  });
}
