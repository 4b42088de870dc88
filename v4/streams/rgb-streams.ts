// pixel_tensor and lsb over the centre crop, plus the crop's RGB LSBs packed MSB-first
// (R plane, then G, then B) for the content stats. One tight loop per pixel layout: this is
// the hottest code of the input path.
import { CROP } from '../contract.ts';
import type { DecodedImage } from '../decode/decoded-image.ts';
import type { CropWindow } from './crop.ts';
import { BYTE_TO_UNIT } from './scale.ts';
import type { StreamBuffers } from './stream-buffers.ts';

const PLANE = CROP * CROP;

export interface RgbStreams {
  pixel: Float32Array;
  lsb: Float32Array;
  packedLsb: Uint8Array;
}

/**
 * `into`: buffers to write instead of new ones (stream-buffers.ts); whatever the image does not
 * cover is zeroed first, as a new buffer would read.
 */
export function rgbStreams(image: DecodedImage, crop: CropWindow, into?: StreamBuffers): RgbStreams {
  const pixel = into?.pixel ?? new Float32Array(3 * PLANE);
  const lsb = into?.lsb ?? new Float32Array(3 * PLANE);
  if (into && !coversCrop(crop)) {
    pixel.fill(0);
    lsb.fill(0);
  }
  // Rows that span the crop start on a byte of the packed planes, so the fill packs them as it
  // goes, from the bytes instead of reading 196,608 floats back (rgbStreams of a 256x256 RGB
  // image: 0.55 -> 0.46 ms); narrower images leave zero padding at the start of rows, packed
  // afterwards from the floats.
  const spans = crop.x0 === 0 && crop.x1 === CROP;
  const out = { pixel, lsb, packed: spans ? new Uint8Array((3 * PLANE) >> 3) : undefined };
  if (image.indices) fillFromPalette(image.indices, paletteLut(image.palette!), image.width, crop, out);
  else if (image.channels >= 3) fillFromRgb(image.pixels!, image.channels, image.width, crop, out);
  else fillFromGrey(image.pixels!, image.channels, image.width, crop, out);
  return { pixel, lsb, packedLsb: out.packed ?? packBits(lsb) };
}

/** Where a fill writes: the two streams, and the packed LSB planes when its rows span the crop. */
interface FillTarget {
  pixel: Float32Array;
  lsb: Float32Array;
  packed: Uint8Array | undefined;
}

function coversCrop(c: CropWindow): boolean {
  return c.x0 === 0 && c.y0 === 0 && c.x1 === CROP && c.y1 === CROP;
}

function fillFromRgb(src: Uint8Array, ch: number, width: number, c: CropWindow, t: FillTarget): void {
  const { pixel, lsb, packed } = t;
  const unit = BYTE_TO_UNIT;
  let pr = 0;
  let pg = 0;
  let pb = 0;
  for (let y = c.y0; y < c.y1; y++) {
    let i = ((y + c.top) * width + c.left + c.x0) * ch;
    const end = y * CROP + c.x1;
    for (let o = y * CROP + c.x0; o < end; o++, i += ch) {
      const r = src[i];
      const g = src[i + 1];
      const b = src[i + 2];
      pixel[o] = unit[r];
      pixel[o + PLANE] = unit[g];
      pixel[o + 2 * PLANE] = unit[b];
      lsb[o] = r & 1;
      lsb[o + PLANE] = g & 1;
      lsb[o + 2 * PLANE] = b & 1;
      pr = (pr << 1) | (r & 1);
      pg = (pg << 1) | (g & 1);
      pb = (pb << 1) | (b & 1);
      if ((o & 7) === 7 && packed) pack(packed, o, pr, pg, pb);
    }
  }
}

/** The last eight pixels' LSBs of each plane (the low byte of each accumulator), at pixel `o`. */
function pack(packed: Uint8Array, o: number, r: number, g: number, b: number): void {
  const j = o >> 3;
  packed[j] = r;
  packed[j + (PLANE >> 3)] = g;
  packed[j + (PLANE >> 2)] = b;
}

function fillFromGrey(src: Uint8Array, ch: number, width: number, c: CropWindow, t: FillTarget): void {
  const { pixel, lsb, packed } = t;
  const unit = BYTE_TO_UNIT;
  let p = 0;
  for (let y = c.y0; y < c.y1; y++) {
    let i = ((y + c.top) * width + c.left + c.x0) * ch;
    const end = y * CROP + c.x1;
    for (let o = y * CROP + c.x0; o < end; o++, i += ch) {
      const v = src[i];
      const f = unit[v];
      const bit = v & 1;
      pixel[o] = f;
      pixel[o + PLANE] = f;
      pixel[o + 2 * PLANE] = f;
      lsb[o] = bit;
      lsb[o + PLANE] = bit;
      lsb[o + 2 * PLANE] = bit;
      p = (p << 1) | bit;
      if ((o & 7) === 7 && packed) pack(packed, o, p, p, p);
    }
  }
}

function fillFromPalette(idx: Uint8Array, lut: Uint8Array, width: number, c: CropWindow, t: FillTarget): void {
  const { pixel, lsb, packed } = t;
  const unit = BYTE_TO_UNIT;
  let pr = 0;
  let pg = 0;
  let pb = 0;
  for (let y = c.y0; y < c.y1; y++) {
    let i = (y + c.top) * width + c.left + c.x0;
    const end = y * CROP + c.x1;
    for (let o = y * CROP + c.x0; o < end; o++, i++) {
      const k = idx[i] * 3;
      const r = lut[k];
      const g = lut[k + 1];
      const b = lut[k + 2];
      pixel[o] = unit[r];
      pixel[o + PLANE] = unit[g];
      pixel[o + 2 * PLANE] = unit[b];
      lsb[o] = r & 1;
      lsb[o + PLANE] = g & 1;
      lsb[o + 2 * PLANE] = b & 1;
      pr = (pr << 1) | (r & 1);
      pg = (pg << 1) | (g & 1);
      pb = (pb << 1) | (b & 1);
      if ((o & 7) === 7 && packed) pack(packed, o, pr, pg, pb);
    }
  }
}

/** 0/1 values packed 8 to a byte, first value in the most significant bit (np.packbits). */
function packBits(bits: Float32Array): Uint8Array {
  const out = new Uint8Array(bits.length >> 3);
  for (let j = 0, o = 0; j < out.length; j++, o += 8) {
    out[j] =
      (bits[o] << 7) | (bits[o + 1] << 6) | (bits[o + 2] << 5) | (bits[o + 3] << 4) |
      (bits[o + 4] << 3) | (bits[o + 5] << 2) | (bits[o + 6] << 1) | bits[o + 7];
  }
  return out;
}

/**
 * Pillow's palette as convert("RGB") uses it: 256 entries starting as the grey ramp, the stored
 * entries written over the start (so an index past the stored palette reads grey).
 */
export function paletteLut(palette: Uint8Array): Uint8Array {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) lut[i * 3] = lut[i * 3 + 1] = lut[i * 3 + 2] = i;
  lut.set(palette.subarray(0, 768));
  return lut;
}
