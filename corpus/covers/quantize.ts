// Turns an RGB cover into a palette image the way real tools do (libimagequant via sharp), then
// reads back the stored palette and indices so later steps can write them verbatim.
import sharp from 'sharp';
import { decode } from 'fast-png';
import type { IndexedImage, PixelImage } from '../image.ts';

export async function quantize(image: PixelImage, colours: number, dither: number): Promise<IndexedImage> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png({ palette: true, colours, dither, effort: 3 })
    .toBuffer();
  const decoded = decode(png);
  if (!decoded.palette || decoded.channels !== 1) {
    throw new Error(`quantizer gave channels=${decoded.channels} without a palette, expected an indexed image`);
  }
  const palette = decoded.palette.map((entry) => [entry[0], entry[1], entry[2]] as [number, number, number]);
  return {
    width: image.width,
    height: image.height,
    palette: padToPowerOfTwo(palette),
    indices: unpackIndices(decoded.data as Uint8Array, decoded.depth, image.width, image.height),
  };
}

/** sharp picks 1/2/4-bit depth for small palettes; rows are then packed MSB-first, byte-aligned. */
function unpackIndices(packed: Uint8Array, depth: number, width: number, height: number): Uint8Array {
  if (depth === 8) return new Uint8Array(packed);
  const rowBytes = Math.ceil((width * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * rowBytes + Math.floor(x / perByte)];
      out[y * width + x] = (byte >> (8 - depth * ((x % perByte) + 1))) & mask;
    }
  }
  return out;
}

/** GIF needs a power-of-two palette; it also keeps index^1 inside the palette for LSB flips. */
function padToPowerOfTwo(palette: Array<[number, number, number]>): Array<[number, number, number]> {
  let size = 2;
  while (size < palette.length) size *= 2;
  const padded = palette.slice();
  while (padded.length < size) padded.push([0, 0, 0]);
  return padded;
}
