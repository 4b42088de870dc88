// Builders for the validate tests: hand-made per-file results, and a tiny generated dataset with
// the odd files a real one has (corrupt, unlabelled, badly labelled, not an image).
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Verdict } from '../../v4/verdict.ts';
import { generateCorpus } from '../../corpus/generate.ts';
import type { Label } from '../../schemas/inference-event.ts';
import type { ItemResult } from '../../validate/item-result.ts';

let n = 0;

export function verdict(isStego: boolean, extra: Partial<Verdict> = {}): Verdict {
  return { stegoProb: isStego ? 0.9 : 0.1, isStego, method: null, methodProb: null, bitOrder: null, ...extra };
}

/** A judged, labelled result; totalMs defaults to 1. */
export function judged(label: Label, v: Verdict, format = 'PNG', totalMs = 1): ItemResult {
  return {
    file: `f${n++}.png`, dataset: 'set', algorithm: null, format, mode: 'RGB', width: 256, height: 256, bytes: 1000,
    label, verdict: v, error: null,
    timings: { decodeMs: 0, preprocessMs: 0, inferMs: totalMs, totalMs },
  };
}

export function failed(code: string, label: Label | null = { category: 'clean' }): ItemResult {
  return {
    file: `f${n++}.png`, dataset: 'set', algorithm: null, format: 'unknown', mode: null, width: 0, height: 0, bytes: 10,
    label, verdict: null, error: { code, message: code }, timings: null,
  };
}

export const CLEAN: Label = { category: 'clean' };
export const stego = (method: string, bit_order = 'none'): Label => ({ category: 'stego', method, bit_order } as Label);

/** The files a dataset gets beside the generated ones, and what each should be counted as. */
export const ODD_FILES = { corrupt: 'CORRUPT_IMAGE', notImage: 'UNSUPPORTED_FORMAT', unlabelled: 'UNLABELLED', badLabel: 'BAD_LABEL' } as const;

/** `count` generated images plus four odd files: 4 problems, count + 1 labelled files. */
export async function makeDataset(dir: string, count: number, seed = 11): Promise<void> {
  await generateCorpus({ out: dir, count, seed });
  // Labelled clean, but not a decodable PNG.
  await writeFile(join(dir, 'zz-corrupt.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]));
  await writeFile(join(dir, 'zz-corrupt.json'), JSON.stringify({ category: 'clean' }));
  // Not an image, with no label: the decode error is its first problem.
  await writeFile(join(dir, 'zz-notes.txt'), 'not an image\n');
  const first = join(dir, 'img-000000.' + (await firstExtension(dir)));
  // A good image without a label.
  await copyFile(first, join(dir, 'zz-unlabelled.png'));
  // A good image with a label that makes no sense.
  await copyFile(first, join(dir, 'zz-badlabel.png'));
  await writeFile(join(dir, 'zz-badlabel.json'), JSON.stringify({ category: 'maybe' }));
}

async function firstExtension(dir: string): Promise<string> {
  const file = (await readdir(dir)).find((f) => f.startsWith('img-000000.') && !f.endsWith('.json'));
  return file!.split('.').pop()!;
}
