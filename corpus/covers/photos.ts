// Covers from a folder of photographs: every readable image, centre-cropped and resized to the
// requested size. Files are taken in name order so a seed picks the same photos every time.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { CorpusError } from '../errors.ts';
import type { PixelImage } from '../image.ts';

const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.tif', '.tiff']);

export async function listPhotos(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new CorpusError('CORPUS_NO_COVERS', `cannot read covers folder ${dir}: ${(error as Error).message}`);
  }
  const photos = names
    .filter((name) => PHOTO_EXTENSIONS.has(name.slice(name.lastIndexOf('.')).toLowerCase()))
    .sort()
    .map((name) => join(dir, name));
  if (photos.length === 0) throw new CorpusError('CORPUS_NO_COVERS', `no images in covers folder ${dir}`);
  return photos;
}

/** The photo as RGB, scaled to cover width x height and centre-cropped (first frame if animated). */
export async function loadPhoto(file: string, width: number, height: number): Promise<PixelImage> {
  try {
    const { data, info } = await sharp(file, { pages: 1 })
      .rotate()
      .resize(width, height, { fit: 'cover', position: 'centre' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  } catch (error) {
    throw new CorpusError('CORPUS_BAD_IMAGE', `cannot use ${file} as a cover: ${(error as Error).message}`);
  }
}
