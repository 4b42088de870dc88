// The demo's traffic: a labelled corpus generated once into the data folder (corpus/), reused on
// later runs, and read into memory with each image's ground truth.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCorpus } from '../../corpus/generate.ts';
import { readLabel, type Label } from '../../schemas/corpus-label.ts';

export interface CorpusItem {
  file: string;
  bytes: Buffer;
  label: Label;
}

/** Fixed, so every demo folder holds the same corpus for the same size. */
const SEED = 20_240_601;
const DONE_FILE = 'complete.json';

/**
 * The folder's corpus, generated first if it is missing, of another size, or was cut short (the
 * marker is written last, so an interrupted run generates again instead of using half a corpus).
 */
export async function ensureCorpus(dir: string, count: number, onProgress?: (done: number, total: number) => void): Promise<{ dir: string; generated: boolean }> {
  const marker = join(dir, DONE_FILE);
  if (existsSync(marker)) {
    const made = JSON.parse(readFileSync(marker, 'utf8')) as { count?: number; seed?: number };
    if (made.count === count && made.seed === SEED) return { dir, generated: false };
  }
  rmSync(dir, { recursive: true, force: true });
  await generateCorpus({ out: dir, count, seed: SEED, onItem: onProgress });
  writeFileSync(marker, JSON.stringify({ count, seed: SEED }) + '\n');
  return { dir, generated: true };
}

export async function loadCorpus(dir: string): Promise<CorpusItem[]> {
  const images = readdirSync(dir)
    .filter((name) => name.startsWith('img-') && !name.endsWith('.json'))
    .sort();
  return Promise.all(
    images.map(async (name) => {
      const file = join(dir, name);
      const [bytes, label] = await Promise.all([readFile(file), readLabel(file)]);
      return { file, bytes, label };
    }),
  );
}

/** The ground truth as the agent's /v1/scan takes it in its query string. */
export function labelQuery(label: Label): string {
  if (label.category === 'clean') return 'label=clean';
  const q = new URLSearchParams({ label: 'stego', method: label.method, bit_order: label.bit_order });
  return q.toString();
}
