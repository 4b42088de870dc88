// palette method: message + 0x00 in the LSBs of the palette indices, row-major, either bit order.
import type { IndexedImage } from '../image.ts';
import { concatBytes } from '../../v4/decode/bytes.ts';
import { bytesToBits, type BitOrder } from './bits.ts';
import { checkFits, checkNoZero } from './capacity.ts';

export function embedPalette(image: IndexedImage, message: Uint8Array, order: BitOrder): IndexedImage {
  if (image.palette.length % 2 !== 0) throw new Error('palette embedding needs an even palette size');
  checkNoZero('palette', message);
  const bits = bytesToBits(concatBytes([message, Uint8Array.of(0)]), order);
  checkFits('palette', bits.length, image.indices.length);
  const indices = new Uint8Array(image.indices);
  for (let i = 0; i < bits.length; i++) indices[i] = (indices[i] & 0xfe) | bits[i];
  return { ...image, indices };
}
