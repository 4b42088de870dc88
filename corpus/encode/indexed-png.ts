// Indexed (palette) PNG written by fast-png, which stores our palette and our indices verbatim
// (a quantizing encoder would re-order the palette and lose the embedded index bits).
import { encode } from 'fast-png';
import type { IndexedImage } from '../image.ts';

export function encodeIndexedPng(image: IndexedImage): Uint8Array {
  return encode({
    width: image.width,
    height: image.height,
    data: image.indices,
    depth: 8,
    channels: 1,
    palette: image.palette,
  });
}
