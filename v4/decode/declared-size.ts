// How many pixels a file says it has, from its header alone (no pixel work): what admission
// control reserves before decoding, since a 35-byte GIF can declare 6300x6300.
import { readBmpHeader } from './bmp.ts';
import { readGifHeader } from './gif.ts';
import { readJpegHeader } from './jpeg.ts';
import { readPngHeader } from './png.ts';
import { sniffFormat } from './sniff.ts';
import { readWebpHeader } from './webp.ts';

const READERS = {
  PNG: readPngHeader,
  JPEG: readJpegHeader,
  GIF: readGifHeader,
  WEBP: readWebpHeader,
  BMP: readBmpHeader,
};

/** width x height as declared; null when the header cannot be read (the decoder then says why). */
export function declaredPixels(bytes: Uint8Array): number | null {
  try {
    const { width, height } = READERS[sniffFormat(bytes)](bytes);
    return width > 0 && height > 0 ? width * height : null;
  } catch {
    return null;
  }
}
