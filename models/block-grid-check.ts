// Does the block grid of lossy compression reach the tensors the model sees, and does it tell a
// clean JPEG or WebP from an lsb.rgb stego image? The reference model's false positives on the
// large held-out sets are lsb.rgb alarms on small clean JPEGs and WebPs (models/README.md), whose
// decoded LSBs look as random as a random-byte payload's. A JPEG codes 8x8 blocks (a WebP 4x4),
// so grey-level steps across the image's block boundaries are larger than inside a block. On the
// very pixel_tensor the served preprocessing makes, per image:
//   grid = mean |step| across boundaries at the image's own x (y) = 0 mod `period`, divided by the
//   mean |step| at the other phases; horizontal and vertical averaged. About 1 with no grid.
// Prints its spread per group and the AUC of clean lossy images against lsb.rgb stego images
// (the share of pairs in which the clean image has the larger value). With `--scan`, the output
// of `starwatch scan --json` on the corpus, it also prints where the false positives sit: each
// clean image the model flagged, its grid value and its rank among the clean images of its format.
//
//   node --import tsx models/block-grid-check.ts CORPUS_DIR [--period 8] [--scan SCAN.jsonl]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { preprocess } from '../v4/preprocess.ts';
import { CROP } from '../v4/contract.ts';
import { centreCrop } from '../v4/streams/crop.ts';
import { readLabel } from '../schemas/corpus-label.ts';
import { percentile } from '../validate/metrics.ts';

/** Grey level (0..255) of crop pixel (x, y) of a channel-major RGB tensor in 0..1. */
function grey(pixels: Float32Array, x: number, y: number): number {
  const i = y * CROP + x;
  return 255 * (0.299 * pixels[i] + 0.587 * pixels[CROP * CROP + i] + 0.114 * pixels[2 * CROP * CROP + i]);
}

/** The grid statistic of one image (see the header), over the part of the crop inside the image. */
function gridRatio(pixels: Float32Array, width: number, height: number, period: number): number {
  const crop = centreCrop(width, height);
  const sums = { x: new Float64Array(period), y: new Float64Array(period) };
  const counts = { x: new Float64Array(period), y: new Float64Array(period) };
  for (let y = crop.y0; y < crop.y1; y++) {
    for (let x = crop.x0; x < crop.x1; x++) {
      const here = grey(pixels, x, y);
      if (x + 1 < crop.x1) {
        const phase = (crop.left + x + 1) % period;
        sums.x[phase] += Math.abs(grey(pixels, x + 1, y) - here);
        counts.x[phase]++;
      }
      if (y + 1 < crop.y1) {
        const phase = (crop.top + y + 1) % period;
        sums.y[phase] += Math.abs(grey(pixels, x, y + 1) - here);
        counts.y[phase]++;
      }
    }
  }
  const ratio = (s: Float64Array, n: Float64Array) => {
    let inside = 0;
    for (let p = 1; p < period; p++) inside += s[p] / n[p];
    return s[0] / n[0] / Math.max(inside / (period - 1), 1e-9);
  };
  return (ratio(sums.x, counts.x) + ratio(sums.y, counts.y)) / 2;
}

function auc(higher: number[], lower: number[]): number {
  let wins = 0;
  for (const h of higher) for (const l of lower) wins += h > l ? 1 : h === l ? 0.5 : 0;
  return wins / (higher.length * lower.length);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { period: { type: 'string', default: '8' }, scan: { type: 'string' } } });
  const dir = positionals[0];
  const period = Number(values.period);
  const groups = new Map<string, number[]>();
  const byFile = new Map<string, { key: string; grid: number }>();
  for (const file of readdirSync(dir).filter((f) => !f.endsWith('.json')).sort()) {
    const path = join(dir, file);
    const label = await readLabel(path);
    const key = label.category === 'clean' ? `clean ${label.format}` : label.method === 'lsb.rgb' ? `lsb.rgb ${label.format}` : null;
    if (!key) continue;
    const { streams } = await preprocess(readFileSync(path));
    const group = groups.get(key) ?? groups.set(key, []).get(key)!;
    const grid = gridRatio(streams.pixel_tensor, label.width, label.height, period);
    group.push(grid);
    byFile.set(file, { key, grid });
  }
  for (const [key, group] of [...groups].sort()) {
    const sorted = [...group].sort((a, b) => a - b);
    console.log(`${key.padEnd(12)} n=${String(group.length).padStart(4)}  grid p5 ${percentile(sorted, 0.05).toFixed(3)}  p50 ${percentile(sorted, 0.5).toFixed(3)}  p95 ${percentile(sorted, 0.95).toFixed(3)}`);
  }
  const stego = [...groups].filter(([key]) => key.startsWith('lsb.rgb')).flatMap(([, group]) => group);
  for (const format of ['JPEG', 'WEBP']) {
    const clean = groups.get(`clean ${format}`);
    if (clean && stego.length > 0) console.log(`AUC, clean ${format} above lsb.rgb stego (period ${period}): ${auc(clean, stego).toFixed(3)}`);
  }
  if (values.scan) printFalsePositives(readFileSync(values.scan, 'utf8'), byFile, groups);
}

/** Each clean image the scan flagged: its grid value and the share of its format's clean images below it. */
function printFalsePositives(scan: string, byFile: Map<string, { key: string; grid: number }>, groups: Map<string, number[]>): void {
  for (const line of scan.split('\n').filter(Boolean)) {
    const result = JSON.parse(line) as { file: string; ok: boolean; verdict?: { stegoProb: number; isStego: boolean; method: string } };
    const image = byFile.get(result.file.split('/').pop()!);
    if (!result.ok || !result.verdict?.isStego || !image?.key.startsWith('clean')) continue;
    const peers = groups.get(image.key)!;
    const below = peers.filter((g) => g < image.grid).length / peers.length;
    console.log(`false positive ${result.file}: ${image.key}, ${result.verdict.method} at ${result.verdict.stegoProb.toFixed(2)}, grid ${image.grid.toFixed(3)} (above ${(100 * below).toFixed(0)}% of its format's clean images)`);
  }
}

await main();
