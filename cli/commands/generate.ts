// `starwatch generate`: writes a deterministic labelled stego corpus (images + JSON sidecars).
import type { Command } from 'commander';
import { CorpusError } from '../../corpus/errors.ts';
import { DEFAULT_MIN_CROP_ROWS } from '../../corpus/embed/crop-reach.ts';
import { generateCorpus, type GenerateSummary, type SizeRange } from '../../corpus/generate.ts';

interface GenerateFlags {
  out: string;
  count: string;
  seed: string;
  covers?: string;
  size: string;
  minCropRows: string;
  json?: boolean;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Generate a labelled corpus of clean and stego images (same seed, same bytes)')
    .requiredOption('--out <dir>', 'folder to write images and their .json labels into')
    .requiredOption('--count <n>', 'number of images')
    .requiredOption('--seed <s>', 'seed (integer 0..4294967295)')
    .option('--covers <dir>', 'folder of photographs to use as covers (default: procedural covers)')
    .option('--size <px>', 'side length, or a range like 192-384 drawn per image', '256')
    .option('--min-crop-rows <n>', 'rows of the 256x256 centre crop every pixel payload covers (0: no minimum)', String(DEFAULT_MIN_CROP_ROWS))
    .option('--json', 'print the summary as JSON')
    .action(async (flags: GenerateFlags) => {
      try {
        const summary = await generateCorpus({
          out: flags.out,
          count: parseWholeNumber('count', flags.count),
          seed: parseWholeNumber('seed', flags.seed),
          coversDir: flags.covers,
          size: parseSize(flags.size),
          minCropRows: parseWholeNumber('min-crop-rows', flags.minCropRows),
        });
        console.log(flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      } catch (error) {
        if (!(error instanceof CorpusError)) throw error;
        console.error(`generate: ${error.code}: ${error.message}`);
        process.exitCode = 2;
      }
    });
}

export function parseWholeNumber(name: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new CorpusError('CORPUS_BAD_OPTION', `--${name} must be a whole number, got "${text}"`);
  return Number(text);
}

export function parseSize(text: string): SizeRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(text);
  if (!match) throw new CorpusError('CORPUS_BAD_OPTION', `--size must be N or MIN-MAX, got "${text}"`);
  const min = Number(match[1]);
  return { min, max: match[2] === undefined ? min : Number(match[2]) };
}

function formatSummary(s: GenerateSummary): string {
  const formats = Object.keys(s.by_format);
  const rows = Object.entries(s.by_label_format).map(([label, counts]) =>
    [label.padEnd(16), ...formats.map((f) => String(counts[f] ?? 0).padStart(9)), String(s.by_label[label]).padStart(7)].join(''),
  );
  return [
    `wrote ${s.count} images (${(s.bytes_written / 1e6).toFixed(1)} MB) to ${s.out} in ${(s.elapsed_ms / 1000).toFixed(1)} s`,
    `seed ${s.seed}, covers: ${s.covers}${s.covers_skipped ? ` (${s.covers_skipped} unreadable, skipped)` : ''}`,
    '',
    ['label'.padEnd(16), ...formats.map((f) => f.padStart(9)), 'total'.padStart(7)].join(''),
    ...rows,
    ['total'.padEnd(16), ...formats.map((f) => String(s.by_format[f]).padStart(9)), String(s.count).padStart(7)].join(''),
  ].join('\n');
}
