// Starlight's own dataset layout: datasets/<name>/clean/* and datasets/<name>/stego/*, with no
// label files. A stego file is named {payload}_{algorithm}_{index}.{ext}; the algorithm is a method
// name or an alias of one (eoi, lsb). An algorithm Starwatch has no method for (dct, ...) is still
// stego: it is labelled stego without a method and its name is kept, so it is counted, not refused.
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { listFiles } from '../v4/image-files.ts';
import { resolveMethod, type MethodAliases } from '../schemas/method-aliases.ts';
import type { DatasetItem } from './dataset.ts';

const CLASS_FOLDERS = ['clean', 'stego'] as const;
const STEGO_NAME = /^(.+)_([^_]+)_(\d+)$/;

const isFolder = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/** A folder is one Starlight dataset when it holds clean/ or stego/. */
export async function isStarlightDataset(dir: string): Promise<boolean> {
  for (const name of CLASS_FOLDERS) if (await isFolder(join(dir, name))) return true;
  return false;
}

/** The Starlight datasets directly below a folder (a `datasets/` root), sorted by name. */
export async function starlightDatasetsIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (await isStarlightDataset(join(dir, e.name))) found.push(join(dir, e.name));
  }
  return found;
}

/** The algorithm a stego file's name gives, or null when the name does not follow the pattern. */
export function algorithmOf(file: string): string | null {
  const match = STEGO_NAME.exec(basename(file, extname(file)));
  return match ? match[2].toLowerCase() : null;
}

/** Every file of one Starlight dataset, labelled from its folder and name. */
export async function loadStarlightDataset(dir: string, aliases?: MethodAliases): Promise<DatasetItem[]> {
  const dataset = basename(dir);
  const clean = (await isFolder(join(dir, 'clean'))) ? await listFiles(join(dir, 'clean')) : [];
  const stego = (await isFolder(join(dir, 'stego'))) ? await listFiles(join(dir, 'stego')) : [];
  return [
    ...clean.map((file): DatasetItem => ({ file, dataset, algorithm: null, label: { category: 'clean' }, labelError: null })),
    ...stego.map((file) => stegoItem(file, dataset, aliases)),
  ];
}

function stegoItem(file: string, dataset: string, aliases?: MethodAliases): DatasetItem {
  const algorithm = algorithmOf(file);
  const method = algorithm ? resolveMethod(algorithm, aliases) : null;
  if (method) return { file, dataset, algorithm: null, label: { category: 'stego', method }, labelError: null };
  return { file, dataset, algorithm: algorithm ?? 'unnamed', label: { category: 'stego' }, labelError: null };
}
