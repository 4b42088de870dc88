// Makes one labelled image from a recipe and a cover: picks the options and the message from the
// item's own PRNG, embeds, encodes, and returns the file bytes with their label.
import { withAlpha, type IndexedImage, type PixelImage } from './image.ts';
import { naturalAlpha } from './covers/alpha.ts';
import { quantize } from './covers/quantize.ts';
import { embedAlpha } from './embed/alpha.ts';
import { embedPalette } from './embed/palette.ts';
import { embedLsbRgb } from './embed/lsb-rgb.ts';
import { buildExif, type CameraFields } from './embed/exif.ts';
import { appendTail } from './embed/raw.ts';
import { messageCapacity } from './embed/capacity.ts';
import { DEFAULT_MIN_CROP_ROWS, minBytesToReachCrop } from './embed/crop-reach.ts';
import type { BitOrder } from './embed/bits.ts';
import { encodeJpeg, encodePng, encodeWebp } from './encode/sharp-formats.ts';
import { encodeIndexedPng } from './encode/indexed-png.ts';
import { encodeGif } from './encode/gif.ts';
import { encodeBmp } from './encode/bmp.ts';
import { insertJpegExif, insertPngExif, insertWebpExif } from './encode/exif-containers.ts';
import { makeMessage, type MessageRules } from './messages.ts';
import type { Format, Label, Mode } from '../schemas/corpus-label.ts';
import type { Container, Method, Recipe } from './mix.ts';
import type { Rng } from './random.ts';

export interface Item {
  bytes: Uint8Array;
  extension: string;
  label: Label;
}

interface Stego {
  method: Method;
  bitOrder: BitOrder | 'none';
  message: Uint8Array;
  messageKind: string;
}

const CONTAINER_FORMAT: Record<Container, { format: Format; mode: Mode; extension: string }> = {
  'png-rgb': { format: 'PNG', mode: 'RGB', extension: 'png' },
  'png-rgba': { format: 'PNG', mode: 'RGBA', extension: 'png' },
  'png-indexed': { format: 'PNG', mode: 'P', extension: 'png' },
  gif: { format: 'GIF', mode: 'P', extension: 'gif' },
  jpeg: { format: 'JPEG', mode: 'RGB', extension: 'jpg' },
  webp: { format: 'WEBP', mode: 'RGB', extension: 'webp' },
  bmp: { format: 'BMP', mode: 'RGB', extension: 'bmp' },
};

/** How often a clean (or exif-stego) file of a format carries ordinary camera EXIF. */
const CAMERA_EXIF_CHANCE: Partial<Record<Container, number>> = { jpeg: 0.5, webp: 0.2, 'png-rgb': 0.1 };

export interface ItemOptions {
  /** Crop rows a pixel payload (alpha, palette, lsb.rgb) must cover; see embed/crop-reach.ts. */
  minCropRows?: number;
}

export async function makeItem(
  recipe: Recipe, cover: PixelImage, rng: Rng, seed: number, coverName: string, options: ItemOptions = {},
): Promise<Item> {
  const minCropRows = options.minCropRows ?? DEFAULT_MIN_CROP_ROWS;
  const { format, mode, extension } = CONTAINER_FORMAT[recipe.container];
  let stego: Stego | null = null;
  let bytes: Uint8Array;
  if (recipe.category === 'stego' && recipe.method === 'raw') {
    // The tail's length depends on the carrier's: the contract ignores tails of files under 1000 bytes.
    const carrier = await encodeContainer(recipe.container, cover, null, rng);
    stego = chooseStego('raw', 'none', recipe.container, cover, rng, carrier.length, minCropRows);
    bytes = appendTail(carrier, stego.message);
  } else {
    if (recipe.category === 'stego') stego = chooseStego(recipe.method, recipe.bitOrder, recipe.container, cover, rng, 0, minCropRows);
    bytes = await encodeContainer(recipe.container, cover, stego, rng);
  }
  const common = { format, mode, width: cover.width, height: cover.height, seed, cover: coverName };
  const label: Label = stego
    ? {
        category: 'stego',
        method: stego.method,
        bit_order: stego.bitOrder,
        ...common,
        payload_bytes: stego.message.length,
        message_kind: stego.messageKind,
      }
    : { category: 'clean', ...common };
  return { bytes, extension, label };
}

function chooseStego(
  method: Method, bitOrder: BitOrder | 'none', container: Container, cover: PixelImage, rng: Rng, carrierBytes: number,
  minCropRows: number,
): Stego {
  const pixels = cover.width * cover.height;
  const rules: MessageRules = { noZero: true, avoid: [] };
  let min = 16;
  let max: number;
  const reach = (bitsPerPixel: number, framing: number) =>
    Math.max(min, minBytesToReachCrop(cover.width, cover.height, bitsPerPixel, framing, minCropRows));
  if (method === 'alpha') {
    max = Math.floor(messageCapacity(pixels, 5) * 0.6);
    min = reach(1, 5);
  } else if (method === 'palette') {
    max = Math.floor(messageCapacity(pixels, 1) * 0.6);
    min = reach(1, 1);
  } else if (method === 'lsb.rgb') {
    max = Math.floor(messageCapacity(pixels * 3, 1) * 0.6);
    min = reach(3, 1);
  } else if (method === 'exif') {
    max = 1800;
    rules.noZero = false;
  } else {
    rules.noZero = false;
    rules.avoid = tailHazards(container);
    // A WebP tail only counts once it is more than 100 bytes past the RIFF size.
    min = Math.max(container === 'webp' ? 128 : 16, 1000 - carrierBytes);
    max = Math.max(2000, min);
  }
  const length = rng.logInt(Math.min(min, max), max);
  const { bytes, kind } = makeMessage(rng, length, rules);
  return { method, bitOrder, message: bytes, messageKind: kind };
}

/** Byte sequences that would move the "end of image" a tail reader looks for. */
function tailHazards(container: Container): Uint8Array[] {
  if (container === 'jpeg') return [Uint8Array.of(0xff, 0xd9)];
  if (container === 'gif') return [Uint8Array.of(0x3b)];
  if (container.startsWith('png')) return [new TextEncoder().encode('IEND')];
  return [];
}

async function encodeContainer(container: Container, cover: PixelImage, stego: Stego | null, rng: Rng): Promise<Uint8Array> {
  const order = stego && stego.bitOrder !== 'none' ? stego.bitOrder : 'lsb-first';
  const camera = rng.chance(CAMERA_EXIF_CHANCE[container] ?? 0) ? cameraFields(rng) : null;
  const userComment = stego?.method === 'exif' ? stego.message : undefined;
  const exif = camera || userComment ? buildExif(camera ?? {}, userComment) : null;
  let file: Uint8Array;
  switch (container) {
    case 'png-rgb': {
      const pixels = stego?.method === 'lsb.rgb' ? embedLsbRgb(cover, stego.message, order) : cover;
      file = await encodePng(pixels, rng.int(3, 9));
      if (exif) file = insertPngExif(file, exif);
      break;
    }
    case 'png-rgba': {
      const rgba = withAlpha(cover, naturalAlpha(rng, cover.width, cover.height));
      file = await encodePng(stego?.method === 'alpha' ? embedAlpha(rgba, stego.message) : rgba, rng.int(3, 9));
      break;
    }
    case 'png-indexed':
      file = encodeIndexedPng(await indexedCover(cover, stego, order, rng));
      break;
    case 'gif':
      file = encodeGif(await indexedCover(cover, stego, order, rng));
      break;
    case 'bmp':
      file = encodeBmp(stego?.method === 'lsb.rgb' ? embedLsbRgb(cover, stego.message, order) : cover);
      break;
    case 'jpeg':
      file = await encodeJpeg(cover, {
        quality: rng.int(60, 95),
        progressive: rng.chance(0.2),
        chromaSubsampling: rng.chance(0.7) ? '4:2:0' : '4:4:4',
      });
      if (exif) file = insertJpegExif(file, exif);
      break;
    case 'webp':
      file = await encodeWebp(cover, { lossless: rng.chance(0.4), quality: rng.int(60, 95), effort: rng.int(0, 3) });
      if (exif) file = insertWebpExif(file, exif);
      break;
  }
  return file;
}

async function indexedCover(cover: PixelImage, stego: Stego | null, order: BitOrder, rng: Rng): Promise<IndexedImage> {
  const indexed = await quantize(cover, rng.pick([16, 32, 64, 128, 256, 256]), rng.pick([0, 0.5, 1]));
  return stego?.method === 'palette' ? embedPalette(indexed, stego.message, order) : indexed;
}

const CAMERAS: Array<[string, string]> = [
  ['Canon', 'Canon EOS 80D'], ['NIKON CORPORATION', 'NIKON D750'], ['SONY', 'ILCE-7M3'],
  ['Apple', 'iPhone 12'], ['samsung', 'SM-G991B'], ['Google', 'Pixel 7'], ['FUJIFILM', 'X-T3'],
];

function cameraFields(rng: Rng): CameraFields {
  const [make, model] = rng.pick(CAMERAS);
  const two = (n: number) => String(n).padStart(2, '0');
  const dateTime = `${rng.int(2012, 2024)}:${two(rng.int(1, 12))}:${two(rng.int(1, 28))} ` +
    `${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:${two(rng.int(0, 59))}`;
  return { make, model, dateTime, software: rng.chance(0.4) ? rng.pick(['GIMP 2.10.34', 'Adobe Photoshop 24.1', 'darktable 4.4']) : undefined };
}
