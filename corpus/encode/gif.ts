// Single-frame GIF written by omggif with our global palette and our indices verbatim.
import omggif from 'omggif';
import type { IndexedImage } from '../image.ts';

export function encodeGif(image: IndexedImage): Uint8Array {
  const size = image.palette.length;
  if (size < 2 || size > 256 || (size & (size - 1)) !== 0) {
    throw new Error(`GIF palette size must be a power of two in 2..256, got ${size}`);
  }
  const palette = image.palette.map(([r, g, b]) => (r << 16) | (g << 8) | b);
  // LZW can exceed the raw size on noisy indices; omggif does not bounds-check, so be generous.
  const buffer = new Uint8Array(image.width * image.height * 2 + size * 3 + 1024);
  const writer = new omggif.GifWriter(buffer, image.width, image.height, { palette });
  writer.addFrame(0, 0, image.width, image.height, Array.from(image.indices));
  return buffer.slice(0, writer.end());
}
