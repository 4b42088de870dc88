// lsb.rgb method: message + 0x00 in the LSBs of R,G,B,R,G,B... from the first pixel, row-major,
// either bit order. Alpha, if present, is skipped.
import type { PixelImage } from '../image.ts';
import { concatBytes } from '../../v4/decode/bytes.ts';
import { bytesToBits, type BitOrder } from './bits.ts';
import { checkFits, checkNoZero } from './capacity.ts';

export function embedLsbRgb(image: PixelImage, message: Uint8Array, order: BitOrder): PixelImage {
  checkNoZero('lsb.rgb', message);
  const bits = bytesToBits(concatBytes([message, Uint8Array.of(0)]), order);
  checkFits('lsb.rgb', bits.length, image.width * image.height * 3);
  const data = new Uint8Array(image.data);
  for (let i = 0; i < bits.length; i++) {
    const at = Math.floor(i / 3) * image.channels + (i % 3);
    data[at] = (data[at] & 0xfe) | bits[i];
  }
  return { ...image, data };
}
