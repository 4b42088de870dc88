// In-memory images the corpus works on, before they are written in a file format.

/** Interleaved 8-bit pixels, row-major: RGB (3 channels) or RGBA (4). */
export interface PixelImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

/** A palette image: `indices` holds one palette index per pixel, row-major. */
export interface IndexedImage {
  width: number;
  height: number;
  palette: Array<[number, number, number]>;
  indices: Uint8Array;
}

/** Adds an alpha plane to an RGB image. */
export function withAlpha(rgb: PixelImage, alpha: Uint8Array): PixelImage {
  if (rgb.channels !== 3) throw new Error('withAlpha needs an RGB image');
  const count = rgb.width * rgb.height;
  const data = new Uint8Array(count * 4);
  for (let p = 0; p < count; p++) {
    data[p * 4] = rgb.data[p * 3];
    data[p * 4 + 1] = rgb.data[p * 3 + 1];
    data[p * 4 + 2] = rgb.data[p * 3 + 2];
    data[p * 4 + 3] = alpha[p];
  }
  return { width: rgb.width, height: rgb.height, channels: 4, data };
}
