// For RGBA images: the alpha stream over the crop (alpha/255, alpha & 1), the population
// standard deviation of the whole alpha plane, and the whole plane's LSBs packed MSB-first.
import { CROP } from '../contract.ts';
import type { DecodedImage } from '../decode/decoded-image.ts';
import type { CropWindow } from './crop.ts';
import { BYTE_TO_UNIT } from './scale.ts';

const PLANE = CROP * CROP;

export interface AlphaStreams {
  alpha: Float32Array;
  std: number;
  packedLsb: Uint8Array;
}

/** Only call for mode RGBA, whose pixels carry alpha as the 4th channel. */
export function alphaStreams(image: DecodedImage, crop: CropWindow): AlphaStreams {
  const px = image.pixels!;
  const n = image.width * image.height;
  const counts = new Float64Array(256);
  const packedLsb = new Uint8Array(Math.ceil(n / 8));
  for (let p = 0; p < n; p++) {
    const a = px[p * 4 + 3];
    counts[a]++;
    packedLsb[p >> 3] |= (a & 1) << (7 - (p & 7));
  }
  const alpha = new Float32Array(2 * PLANE);
  const { left, top, x0, x1, y0, y1 } = crop;
  for (let y = y0; y < y1; y++) {
    const rowIn = (y + top) * image.width + left;
    for (let x = x0; x < x1; x++) {
      const a = px[(rowIn + x) * 4 + 3];
      alpha[y * CROP + x] = BYTE_TO_UNIT[a];
      alpha[PLANE + y * CROP + x] = a & 1;
    }
  }
  return { alpha, std: populationStd(counts, n), packedLsb };
}

function populationStd(counts: Float64Array, n: number): number {
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * counts[v];
  const mean = sum / n;
  let sq = 0;
  for (let v = 0; v < 256; v++) sq += counts[v] * (v - mean) * (v - mean);
  return Math.sqrt(sq / n);
}
