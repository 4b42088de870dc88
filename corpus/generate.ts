// Generates a labelled corpus: N images (plus a JSON label sidecar each) in a folder, the same
// bytes for the same seed. Each item draws everything from its own seed, so items can be made in
// any order or in parallel without changing the result.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CorpusError } from './errors.ts';
import type { PixelImage } from './image.ts';
import { proceduralCover } from './covers/procedural.ts';
import { listPhotos, loadPhoto } from './covers/photos.ts';
import { makeItem } from './item.ts';
import { labelKey, type Label } from '../schemas/corpus-label.ts';
import { allocate, DEFAULT_MIX, type MixEntry } from './mix.ts';
import { itemSeed, Rng } from './random.ts';

export interface SizeRange {
  min: number;
  max: number;
}

export interface GenerateOptions {
  out: string;
  count: number;
  seed: number;
  /** Folder of photographs to use as covers; procedural covers when absent. */
  coversDir?: string;
  /** Side length range; width and height are drawn from it independently. Default 256..256. */
  size?: SizeRange;
  mix?: MixEntry[];
  /** Crop rows every pixel payload covers (default DEFAULT_MIN_CROP_ROWS; 0 = no minimum). */
  minCropRows?: number;
  /** Items made at once (sharp works on its own threads). Does not change the output. */
  concurrency?: number;
  onItem?: (done: number, total: number) => void;
}

export interface GenerateSummary {
  out: string;
  count: number;
  seed: number;
  covers: string;
  covers_skipped: number;
  bytes_written: number;
  elapsed_ms: number;
  by_label: Record<string, number>;
  by_format: Record<string, number>;
  by_label_format: Record<string, Record<string, number>>;
}

const MAX_COVER_ATTEMPTS = 5;

export async function generateCorpus(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const size = options.size ?? { min: 256, max: 256 };
  checkOptions(options, size);
  const photos = options.coversDir ? await listPhotos(options.coversDir) : null;
  const recipes = allocate(options.count, options.mix ?? DEFAULT_MIX, new Rng(options.seed));
  await mkdir(options.out, { recursive: true });

  const labels: Label[] = new Array(options.count);
  const skippedCovers = new Set<string>();
  let bytesWritten = 0;
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let index = next++; index < options.count; index = next++) {
      const seed = itemSeed(options.seed, index);
      const rng = new Rng(seed);
      const width = rng.int(size.min, size.max);
      const height = rng.int(size.min, size.max);
      const { cover, name } = await pickCover(rng, photos, width, height, skippedCovers);
      const item = await makeItem(recipes[index], cover, rng, seed, name, { minCropRows: options.minCropRows });
      const base = join(options.out, `img-${String(index).padStart(6, '0')}`);
      await writeFile(`${base}.${item.extension}`, item.bytes);
      await writeFile(`${base}.json`, JSON.stringify(item.label, null, 2) + '\n');
      bytesWritten += item.bytes.length;
      labels[index] = item.label;
      options.onItem?.(++done, options.count);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));

  return {
    out: options.out,
    count: options.count,
    seed: options.seed,
    covers: options.coversDir ?? 'procedural',
    covers_skipped: skippedCovers.size,
    bytes_written: bytesWritten,
    elapsed_ms: Math.round(performance.now() - started),
    ...countLabels(labels),
  };
}

function checkOptions(options: GenerateOptions, size: SizeRange): void {
  const bad = (why: string) => new CorpusError('CORPUS_BAD_OPTION', why);
  if (!Number.isInteger(options.count) || options.count < 1) throw bad(`count must be a positive integer, got ${options.count}`);
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw bad(`seed must be an integer in 0..4294967295, got ${options.seed}`);
  }
  // Below 64 px a file can drop under 1000 bytes, where the contract ignores tails (raw labels would lie).
  const rows = options.minCropRows;
  if (rows !== undefined && (!Number.isInteger(rows) || rows < 0 || rows > 256)) throw bad(`min crop rows must be an integer in 0..256, got ${rows}`);
  if (!Number.isInteger(size.min) || !Number.isInteger(size.max) || size.min < 64 || size.max > 4096 || size.min > size.max) {
    throw bad(`size must be integers with 64 <= min <= max <= 4096, got ${size.min}..${size.max}`);
  }
}

/** A photo (retrying another pick if one cannot be decoded) or a procedural cover. */
async function pickCover(
  rng: Rng, photos: string[] | null, width: number, height: number, skipped: Set<string>,
): Promise<{ cover: PixelImage; name: string }> {
  if (!photos) return { cover: proceduralCover(rng, width, height), name: 'procedural' };
  for (let attempt = 0; attempt < MAX_COVER_ATTEMPTS; attempt++) {
    const file = rng.pick(photos);
    try {
      return { cover: await loadPhoto(file, width, height), name: basename(file) };
    } catch (error) {
      if (!(error instanceof CorpusError)) throw error;
      skipped.add(file);
    }
  }
  throw new CorpusError('CORPUS_NO_COVERS', `${MAX_COVER_ATTEMPTS} covers in a row could not be decoded`);
}

function countLabels(labels: Label[]): Pick<GenerateSummary, 'by_label' | 'by_format' | 'by_label_format'> {
  const byLabel: Record<string, number> = {};
  const byFormat: Record<string, number> = {};
  const byLabelFormat: Record<string, Record<string, number>> = {};
  for (const label of labels) {
    const key = labelKey(label);
    const format = label.mode === 'P' && label.format === 'PNG' ? 'PNG-P' : label.mode === 'RGBA' ? 'PNG-RGBA' : label.format;
    byLabel[key] = (byLabel[key] ?? 0) + 1;
    byFormat[format] = (byFormat[format] ?? 0) + 1;
    byLabelFormat[key] ??= {};
    byLabelFormat[key][format] = (byLabelFormat[key][format] ?? 0) + 1;
  }
  return { by_label: sortKeys(byLabel), by_format: sortKeys(byFormat), by_label_format: sortKeys(Object.fromEntries(Object.entries(byLabelFormat).map(([k, v]) => [k, sortKeys(v)]))) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
