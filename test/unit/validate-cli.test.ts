// The validate and compare commands end to end on a tiny generated dataset with real models
// (random weights: the figures are poor, the behaviour is what is checked).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STREAM_NAMES } from '../../v4/contract.ts';
import { runCompare } from '../../cli/commands/compare.ts';
import { runValidate, type CommandIo } from '../../cli/commands/validate.ts';
import { BASELINE_KIND } from '../../validate/baseline.ts';
import type { ValidationReport } from '../../validate/validation.ts';
import { tempDir } from '../harness/services.ts';
import { makeDataset } from './validate-fixture.ts';

const RANDOM = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
const LEGACY = fileURLToPath(new URL('../fixtures/models/v4-legacy-3in.onnx', import.meta.url));
const ALWAYS_RAW = fileURLToPath(new URL('../fixtures/models/always-raw.onnx', import.meta.url));
const dir = tempDir('starwatch-validate-');
const dataset = join(dir, 'data');

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

let first: ValidationReport;
let firstCode: number;

before(async () => {
  await makeDataset(dataset, 10, 11);
  const io = capture();
  firstCode = await runValidate({
    model: RANDOM, dataset, json: true, ablate: true,
    report: join(dir, 'report.md'), writeBaseline: join(dir, 'baseline.json'),
  }, io, false);
  first = JSON.parse(io.stdout.join('\n')) as ValidationReport;
});

test('validate without a baseline exits 0 and counts every odd file under its typed code', () => {
  assert.equal(firstCode, 0);
  assert.equal(first.regression, null);
  assert.equal(first.metrics.files, 14);
  assert.equal(first.metrics.evaluated, 10);
  assert.deepEqual(first.metrics.errors, { BAD_LABEL: 1, CORRUPT_IMAGE: 1, UNLABELLED: 1, UNSUPPORTED_FORMAT: 1 });
  assert.deepEqual(first.problems.map((p) => [p.file.split('/').pop(), p.code]), [
    ['zz-badlabel.png', 'BAD_LABEL'], ['zz-corrupt.png', 'CORRUPT_IMAGE'], ['zz-notes.txt', 'UNSUPPORTED_FORMAT'], ['zz-unlabelled.png', 'UNLABELLED'],
  ]);
  assert.ok(first.metrics.latencyMs && first.metrics.latencyMs.p50 > 0);
  assert.ok(first.metrics.memory.peakRssMb > 0);
});

test('--ablate gives one row per declared stream, ranks 1..8', () => {
  assert.deepEqual(first.inputs, STREAM_NAMES);
  assert.deepEqual([...first.ablation!.map((a) => a.stream)].sort(), [...STREAM_NAMES].sort());
  assert.deepEqual(first.ablation!.map((a) => a.rank), [1, 2, 3, 4, 5, 6, 7, 8]);
  for (const row of first.ablation!) assert.equal(row.fpr.n, first.metrics.fpr.n, 'the same files are judged in each run');
});

test('--report and --write-baseline write their files', async () => {
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.match(md, /## Metrics against targets/);
  assert.match(md, /## Ablation/);
  assert.match(md, /UNSUPPORTED_FORMAT 1/);
  const baseline = JSON.parse(await readFile(join(dir, 'baseline.json'), 'utf8'));
  assert.equal(baseline.kind, BASELINE_KIND);
  assert.equal(baseline.fpr, first.metrics.fpr.rate);
  assert.equal(baseline.latency_p95_ms, first.metrics.latencyMs!.p95);
});

test('validate exits 1 on a regression and names the broken rules with their numbers', async () => {
  const file = join(dir, 'strict-baseline.json');
  const strict = { ...JSON.parse(await readFile(join(dir, 'baseline.json'), 'utf8')), fpr: 0, latency_p95_ms: 0.001 };
  await writeFile(file, JSON.stringify(strict));
  const io = capture();
  const code = await runValidate({ model: RANDOM, dataset, baseline: file }, io, false);
  assert.equal(code, 1);
  const text = io.stdout.join('\n');
  assert.match(text, /regression vs baseline: FAIL/);
  assert.match(text, /BROKEN fpr_rise: FPR \d+\.\d+% is above the baseline 0\.00% \+ 0\.02 points/);
  assert.match(text, /BROKEN latency_p95: p95 latency [\d.]+ ms is above 1\.2x the baseline 0\.00 ms/);
});

test('validate exits 0 against a baseline it meets (a previous --json output works as one)', async () => {
  // A model that calls every image stego by raw (a method every container can hold) meets the
  // detection floor for every method; the same run's FPR holds again, and latency is loosened.
  const previous = capture();
  await runValidate({ model: ALWAYS_RAW, dataset, json: true }, previous, false);
  const report = JSON.parse(previous.stdout.join('\n')) as ValidationReport;
  assert.ok(Object.values(report.metrics.methods).every((m) => m.detection.rate === 1), 'fixture: every method detected');
  const file = join(dir, 'loose-report.json');
  const loose = { ...report, metrics: { ...report.metrics, latencyMs: { ...report.metrics.latencyMs!, p95: 1e6 } } };
  await writeFile(file, JSON.stringify(loose));
  const io = capture();
  const code = await runValidate({ model: ALWAYS_RAW, dataset, baseline: file }, io, false);
  assert.equal(code, 0, io.stdout.join('\n'));
  assert.match(io.stdout.join('\n'), /regression vs baseline: PASS/);
});

test('ablation of a model with three inputs has three rows', async () => {
  const io = capture();
  const code = await runValidate({ model: LEGACY, dataset, json: true, ablate: true }, io, false);
  assert.equal(code, 0);
  const report = JSON.parse(io.stdout.join('\n')) as ValidationReport;
  assert.equal(report.ablation!.length, report.inputs.length);
  assert.equal(report.inputs.length, 3);
  assert.deepEqual(new Set(report.ablation!.map((a) => a.stream)), new Set(report.inputs));
});

test('a missing dataset, a bad baseline or a bad model exit 2 with a typed error', async () => {
  let io = capture();
  assert.equal(await runValidate({ model: RANDOM, dataset: join(dir, 'nope') }, io, false), 2);
  assert.match(io.stderr.join('\n'), /DATASET_NOT_FOUND/);
  io = capture();
  await writeFile(join(dir, 'junk.json'), '{"hello": 1}');
  assert.equal(await runValidate({ model: RANDOM, dataset, baseline: join(dir, 'junk.json') }, io, false), 2);
  assert.match(io.stderr.join('\n'), /BAD_BASELINE/);
  io = capture();
  assert.equal(await runValidate({ model: join(dir, 'junk.json'), dataset }, io, false), 2);
  assert.match(io.stderr.join('\n'), /MODEL_ERROR/);
});

test('compare shows the models side by side', async () => {
  const io = capture();
  assert.equal(await runCompare({ models: [RANDOM, LEGACY], dataset }, io, false), 0);
  const lines = io.stdout.join('\n').split('\n');
  const header = lines.find((l) => l.startsWith('METRIC'))!;
  assert.match(header, /v4-random\.onnx .*v4-legacy-3in\.onnx/);
  const fpr = lines.find((l) => l.startsWith('FPR '))!;
  assert.equal(fpr.match(/\(\d+\/5\)/g)?.length, 2, 'one FPR per model over the same 5 clean images');
  const json = capture();
  assert.equal(await runCompare({ models: [RANDOM, LEGACY], dataset, json: true }, json, false), 0);
  assert.equal((JSON.parse(json.stdout.join('\n')) as ValidationReport[]).length, 2);
});

test('compare --report writes the V3 vs V4 comparison as Markdown: inputs, size, FPR by format, detection by method, latency', async () => {
  const io = capture();
  const file = join(dir, 'compare.md');
  assert.equal(await runCompare({ models: [RANDOM, LEGACY], dataset, report: file }, io, false), 0);
  const md = await readFile(file, 'utf8');
  assert.match(md, /^# Model comparison/);
  assert.match(md, /\| inputs \| 8 \| 3 \|/, 'the legacy model declares a subset of the streams');
  assert.match(md, /\| model size \| \d+\.\d\d MB \| \d+\.\d\d MB \|/);
  assert.match(md, /\| FPR PNG \| .*\(\d+\/\d+\) \|/);
  for (const row of ['detection alpha', 'detection lsb.rgb', 'latency p50', 'latency p95']) assert.match(md, new RegExp(`\\| ${row.replace('.', '\\.')} \\|`), row);
});

test('files over the byte or pixel limits are counted under their codes, and a run with nothing judged still reports', async () => {
  const io = capture();
  assert.equal(await runValidate({ model: RANDOM, dataset, json: true, maxBytes: 1_000_000, maxPixels: 1000 }, io, false), 0);
  const report = JSON.parse(io.stdout.join('\n')) as ValidationReport;
  assert.equal(report.metrics.scored, 0);
  assert.equal(report.metrics.latencyMs, null);
  assert.equal(report.metrics.errors.TOO_MANY_PIXELS, 12, 'every decodable image is refused on its header');
  const bytes = capture();
  assert.equal(await runValidate({ model: RANDOM, dataset, json: true, maxBytes: 100 }, bytes, false), 0);
  const refused = JSON.parse(bytes.stdout.join('\n')) as ValidationReport;
  assert.equal(refused.metrics.errors.TOO_MANY_BYTES, 13, 'all but the 13-byte text file');
  assert.match((await runValidateText({ model: RANDOM, dataset, maxPixels: 1000 })), /latency n\/a \(no file reached the model\)/);
});

async function runValidateText(flags: Parameters<typeof runValidate>[0]): Promise<string> {
  const io = capture();
  await runValidate(flags, io, false);
  return io.stdout.join('\n');
}
