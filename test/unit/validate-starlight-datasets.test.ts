// Starlight's dataset layout (datasets/<name>/clean/*, datasets/<name>/stego/{payload}_{algorithm}_{index}.ext,
// no label files) read by validate and compare: labels from folder and file name, Starlight's method
// names (eoi, lsb) as aliases, an algorithm without a method of ours (dct) counted as stego, and every
// figure broken down per dataset. Real images (sharp) and the random-weight model.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { runCompare } from '../../cli/commands/compare.ts';
import { runValidate, type CommandIo } from '../../cli/commands/validate.ts';
import { parseMethodAliases, resolveMethod } from '../../schemas/method-aliases.ts';
import { loadDatasets } from '../../validate/dataset.ts';
import { algorithmOf } from '../../validate/starlight-layout.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import { tempDir } from '../harness/services.ts';

const RANDOM = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
const root = join(tempDir('starwatch-starlight-'), 'datasets');

/** Dataset -> files, as Starlight lays them out. */
const TREE: Record<string, string[]> = {
  'sample_submission_2025': ['clean/cover_0.png', 'clean/cover_1.jpg', 'stego/hello_eoi_0.jpg', 'stego/secret_text_lsb_1.png', 'stego/ai42_alpha_2.png'],
  'val': ['clean/photo.png', 'stego/note_dct_0.jpg', 'stego/unnamed.png', 'stego/x_palette_3.png'],
};

async function image(file: string): Promise<void> {
  const raw = { create: { width: 64, height: 48, channels: 4 as const, background: { r: 90, g: 120, b: 200, alpha: 1 } } };
  const img = sharp(raw);
  await (file.endsWith('.jpg') ? img.jpeg() : img.png()).toFile(file);
}

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

before(async () => {
  for (const [name, files] of Object.entries(TREE)) {
    for (const f of files) {
      await mkdir(join(root, name, f, '..'), { recursive: true });
      await image(join(root, name, f));
    }
  }
});

test('method names: ours, Starlight aliases in any case, added aliases, unknown names', () => {
  assert.equal(resolveMethod('lsb.rgb'), 'lsb.rgb');
  assert.equal(resolveMethod('EOI'), 'raw');
  assert.equal(resolveMethod('lsb'), 'lsb.rgb');
  assert.equal(resolveMethod('dct'), null);
  assert.equal(resolveMethod('steg', parseMethodAliases('steg=lsb.rgb')), 'lsb.rgb');
  assert.throws(() => parseMethodAliases('steg=nothing'), /bad method alias/);
});

test('the algorithm is the part before the index; payloads may hold underscores', () => {
  assert.equal(algorithmOf('/d/stego/secret_text_lsb_1.png'), 'lsb');
  assert.equal(algorithmOf('/d/stego/hello_EOI_12.jpg'), 'eoi');
  assert.equal(algorithmOf('/d/stego/unnamed.png'), null);
});

test('labels come from the folders and file names of every dataset under the root', async () => {
  const items = await loadDatasets([root]);
  const byName = new Map(items.map((i) => [i.file.slice(root.length + 1), i]));
  assert.equal(items.length, 9);
  assert.deepEqual(byName.get('sample_submission_2025/clean/cover_1.jpg')?.label, { category: 'clean' });
  assert.deepEqual(byName.get('sample_submission_2025/stego/hello_eoi_0.jpg')?.label, { category: 'stego', method: 'raw' });
  assert.deepEqual(byName.get('sample_submission_2025/stego/secret_text_lsb_1.png')?.label, { category: 'stego', method: 'lsb.rgb' });
  const dct = byName.get('val/stego/note_dct_0.jpg');
  assert.deepEqual([dct?.label, dct?.algorithm, dct?.dataset], [{ category: 'stego' }, 'dct', 'val']);
  assert.equal(byName.get('val/stego/unnamed.png')?.algorithm, 'unnamed');
});

test('validate over several datasets breaks every figure down per dataset and counts unknown algorithms', async () => {
  const io = capture();
  const code = await runValidate({ model: RANDOM, dataset: [join(root, 'sample_submission_2025'), join(root, 'val')], json: true }, io, false);
  assert.equal(code, 0, io.stderr.join('\n'));
  const report = JSON.parse(io.stdout.join('\n')) as ValidationReport;
  assert.deepEqual(Object.keys(report.byDataset), ['sample_submission_2025', 'val']);
  assert.equal(report.byDataset.sample_submission_2025.fpr.n, 2);
  assert.equal(report.byDataset.val.fpr.n, 1);
  assert.equal(report.byDataset.sample_submission_2025.detectionByMethod.raw.n, 1);
  assert.equal(report.byDataset.val.detectionByMethod.palette.n, 1);
  assert.deepEqual(Object.keys(report.metrics.unknownAlgorithms), ['dct', 'unnamed']);
  assert.equal(report.metrics.unknownAlgorithms.dct.n, 1);
  assert.equal(report.metrics.detection.n, 6, 'every stego file counts for detection, named method or not');
  assert.equal(report.metrics.dataset.classes['stego:dct'], 1);

  const text = capture();
  assert.equal(await runValidate({ model: RANDOM, dataset: [root] }, text, false), 0);
  assert.match(text.stdout.join('\n'), /^val\s+4\s/m);
  assert.match(text.stdout.join('\n'), /other algorithms|OTHER ALGORITHMS/);
});

test('compare takes the same datasets and shows FPR and detection per dataset', async () => {
  const io = capture();
  assert.equal(await runCompare({ models: [RANDOM, RANDOM], dataset: [root] }, io, false), 0, io.stderr.join('\n'));
  assert.match(io.stdout.join('\n'), /^FPR \[val\]\s/m);
  assert.match(io.stdout.join('\n'), /^detection \[sample_submission_2025\]\s/m);
});

test('a bad alias is a typed error of the run (exit 2)', async () => {
  const io = capture();
  assert.equal(await runValidate({ model: RANDOM, dataset: [root], methodAlias: 'x=nothing' }, io, false), 2);
  assert.match(io.stderr.join('\n'), /BAD_OPTION: bad method alias/);
});
