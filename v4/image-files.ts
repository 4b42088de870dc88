// Reading a folder of images: one walk for every part that takes one (scan, validate, probes, bench).
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp']);

export const isImageFile = (name: string): boolean => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/** Every file below `dir` that `keep` accepts, depth-first in name order; hidden entries are skipped. */
export async function listFiles(dir: string, keep: (name: string) => boolean = () => true): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, keep)));
    else if (e.isFile() && keep(e.name)) out.push(p);
  }
  return out;
}
