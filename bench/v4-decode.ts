// Decoding cost per format: the V4 decoder (decodeImage) against sharp alone decoding the same
// files to raw pixels, measured in the same run, CPU ms an image (sharp's libvips threads
// included) and the ratio. The V4 decoder unfilters plain PNGs and runs libwebp as WebAssembly
// on the calling thread (v4/decode/png-rows.ts, webp-wasm.ts); sharp hands each image between
// threads strip by strip, which on a small image costs more than the decoding.
// Run: node --import tsx bench/v4-decode.ts [rounds] [images-dir]
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../v4/decode/decode.ts';
import { DEFAULT_LIMITS } from '../v4/limits.ts';
import { writePhotoSet } from './photo-set.ts';

const rounds = Number(process.argv[2] ?? 40);
const generated = process.argv[3] === undefined ? mkdtempSync(join(tmpdir(), 'starwatch-decode-')) : undefined;
const dir = process.argv[3] ?? generated!;
if (generated) await writePhotoSet(generated, 48);

const byFormat = new Map<string, Uint8Array[]>();
for (const name of readdirSync(dir).sort()) {
  const ext = extname(name).slice(1).toLowerCase();
  byFormat.set(ext, [...(byFormat.get(ext) ?? []), new Uint8Array(readFileSync(join(dir, name)))]);
}
if (generated) rmSync(generated, { recursive: true, force: true });

/** CPU ms an image over `rounds` passes, after one pass to warm up. */
async function cpuMsPerImage(files: Uint8Array[], decode: (b: Uint8Array) => Promise<unknown>): Promise<number> {
  for (const f of files) await decode(f);
  const before = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const f of files) await decode(f);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (rounds * files.length);
}

console.log(`${rounds} rounds over ${dir === generated ? '48 generated 256x256 photos' : dir}; CPU ms an image`);
for (const [ext, files] of byFormat) {
  const sharpReads = await sharp(files[0]).raw().toBuffer().then(() => true, () => false);
  if (!sharpReads) {
    console.log(`${ext.padEnd(5)} ${String(files.length).padStart(3)} files  v4 decoder ${(await cpuMsPerImage(files, (b) => decodeImage(b, DEFAULT_LIMITS))).toFixed(3)}  (sharp does not read ${ext})`);
    continue;
  }
  // Alternated, twice each, so drift on a shared machine falls on both.
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 2; i++) {
    ours.push(await cpuMsPerImage(files, (b) => decodeImage(b, DEFAULT_LIMITS)));
    theirs.push(await cpuMsPerImage(files, (b) => sharp(b).raw().toBuffer()));
  }
  const o = Math.min(...ours);
  const s = Math.min(...theirs);
  console.log(`${ext.padEnd(5)} ${String(files.length).padStart(3)} files  v4 decoder ${o.toFixed(3)}  sharp alone ${s.toFixed(3)}  ratio ${(o / s).toFixed(2)}`);
}
