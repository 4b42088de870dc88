// For palette images: the stored palette (zero padded to 768, /255) and palette_lsb over the
// crop.
//
// palette_lsb quirk: the contract words it as "(palette index) & 1", but the reference's
// vectors (every palette case in parity/) hold the LSB of the pixel's grey level as Pillow's
// convert("L") gives it from the palette colour. The model was trained on the latter, so that
// is what is computed; tests pin it.
import { CROP, PALETTE_BYTES } from '../contract.ts';
import type { DecodedImage } from '../decode/decoded-image.ts';
import type { CropWindow } from './crop.ts';
import { paletteLut } from './rgb-streams.ts';
import { BYTE_TO_UNIT } from './scale.ts';

export function paletteStream(palette: Uint8Array): Float32Array {
  const out = new Float32Array(PALETTE_BYTES);
  const n = Math.min(PALETTE_BYTES, palette.length);
  for (let i = 0; i < n; i++) out[i] = BYTE_TO_UNIT[palette[i]];
  return out;
}

/** Pillow's ITU-R 601-2 luma in fixed point (Convert.c L24): what convert("L") stores. */
export function pillowLuma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

export function paletteLsbStream(image: DecodedImage, crop: CropWindow): Float32Array {
  const lut = paletteLut(image.palette!);
  const lsbOfIndex = new Float32Array(256);
  for (let i = 0; i < 256; i++) lsbOfIndex[i] = pillowLuma(lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]) & 1;
  const idx = image.indices!;
  const out = new Float32Array(CROP * CROP);
  const { left, top, x0, x1, y0, y1 } = crop;
  for (let y = y0; y < y1; y++) {
    const rowIn = (y + top) * image.width + left;
    for (let x = x0; x < x1; x++) out[y * CROP + x] = lsbOfIndex[idx[rowIn + x]];
  }
  return out;
}
