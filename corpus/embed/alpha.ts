// alpha method: "AI42" + message + 0x00 in the LSBs of the alpha channel, LSB-first per byte,
// from the first pixel in row-major order.
import type { PixelImage } from '../image.ts';
import { concatBytes } from '../../v4/decode/bytes.ts';
import { bytesToBits } from './bits.ts';
import { ALPHA_PREFIX, checkFits, checkNoZero } from './capacity.ts';

export function embedAlpha(image: PixelImage, message: Uint8Array): PixelImage {
  if (image.channels !== 4) throw new Error('alpha embedding needs an RGBA image');
  checkNoZero('alpha', message);
  const bits = bytesToBits(concatBytes([ALPHA_PREFIX, message, Uint8Array.of(0)]), 'lsb-first');
  checkFits('alpha', bits.length, image.width * image.height);
  const data = new Uint8Array(image.data);
  for (let i = 0; i < bits.length; i++) data[i * 4 + 3] = (data[i * 4 + 3] & 0xfe) | bits[i];
  return { ...image, data };
}
