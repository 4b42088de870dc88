// `starwatch bench v4`: the V4 path end to end (decode, streams, inference), one image at a
// time, single-threaded, against a baseline measured in the same run: inference alone on
// streams computed beforehand. The ratio says what decoding and the streams cost on top.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import sharp from 'sharp';
import { V4Path } from '../agent/v4/path.ts';
import { isImageFile, listFiles } from '../corpus/files.ts';
import { preprocess } from '../agent/v4/preprocess.ts';
import type { V4Streams } from '../agent/v4/contract.ts';
import { writePhotoSet } from './photo-set.ts';
import { formatMs, summarise, type Summary } from './stats.ts';
import type { Bench, BenchReport } from './registry.ts';

const GENERATED_IMAGES = 48;
const DEFAULT_COUNT = 1000;
const WARMUP = 30;
const TARGET_RATE = 280;
const TARGET_P95_MS = 5;

interface V4BenchOptions {
  images?: string;
  count?: number;
  model?: string;
  /** Scans in flight at once; 1 (the default) is the single-threaded figure. */
  inFlight?: number;
}

interface ImageSet {
  label: string;
  images: Uint8Array[];
}

async function readImageDir(dir: string): Promise<Uint8Array[]> {
  return Promise.all((await listFiles(dir, isImageFile)).map((file) => readFile(file)));
}

async function loadImages(dir: string | undefined): Promise<ImageSet> {
  if (dir) {
    const images = await readImageDir(dir);
    if (images.length === 0) throw new Error(`no images in ${dir}`);
    return { label: `${images.length} images from ${dir}`, images };
  }
  const tmp = await mkdtemp(join(tmpdir(), 'starwatch-bench-v4-'));
  try {
    const paths = await writePhotoSet(tmp, GENERATED_IMAGES);
    const images = await Promise.all(paths.map((p) => readFile(p)));
    return { label: `${images.length} generated 256x256 photo-like images (png/jpeg/webp)`, images };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

interface Phases {
  decode: number[];
  preprocess: number[];
  infer: number[];
  total: number[];
}

async function timeEndToEnd(
  path: V4Path,
  images: Uint8Array[],
  count: number,
  inFlight: number,
): Promise<{ phases: Phases; wallMs: number; errors: Record<string, number> }> {
  for (let i = 0; i < Math.min(WARMUP, images.length * 2); i++) await path.scan(images[i % images.length]).catch(() => null);
  const phases: Phases = { decode: [], preprocess: [], infer: [], total: [] };
  const errors: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await timeOne(path, images[i % images.length], phases, errors);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { phases, wallMs: performance.now() - start, errors };
}

/** With several scans in flight, infer includes the wait for the (serialised) model. */
async function timeOne(path: V4Path, bytes: Uint8Array, phases: Phases, errors: Record<string, number>): Promise<void> {
  const t0 = performance.now();
  try {
    const r = await path.scan(bytes);
    phases.total.push(performance.now() - t0);
    phases.decode.push(r.timings.decodeMs);
    phases.preprocess.push(r.timings.preprocessMs);
    phases.infer.push(r.timings.inferMs);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERROR';
    errors[code] = (errors[code] ?? 0) + 1;
  }
}

async function timeInferenceAlone(path: V4Path, images: Uint8Array[], count: number): Promise<{ infer: Summary; rate: number }> {
  const streams: V4Streams[] = [];
  for (const bytes of images) {
    const p = await preprocess(bytes, path.limits).catch(() => null);
    if (p) streams.push(p.streams);
  }
  if (streams.length === 0) throw new Error('no image could be preprocessed');
  for (let i = 0; i < WARMUP; i++) await path.model.run([streams[i % streams.length]]);
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await path.model.run([streams[i % streams.length]]);
    times.push(performance.now() - t0);
  }
  return { infer: summarise(times), rate: (count / (performance.now() - start)) * 1000 };
}

const share = (part: number[], total: number) => `${((100 * part.reduce((a, b) => a + b, 0)) / total).toFixed(0)}%`;

export async function runV4Bench(options: V4BenchOptions): Promise<BenchReport> {
  sharp.concurrency(1);
  const count = options.count ?? DEFAULT_COUNT;
  const set = await loadImages(options.images);
  const path = await V4Path.load({ modelPath: options.model, threads: 1 });
  try {
    const inFlight = options.inFlight ?? 1;
    const e2e = await timeEndToEnd(path, set.images, count, inFlight);
    const base = await timeInferenceAlone(path, set.images, count);
    const scanned = e2e.phases.total.length;
    const rate = (scanned / e2e.wallMs) * 1000;
    const s = {
      decode: summarise(e2e.phases.decode),
      preprocess: summarise(e2e.phases.preprocess),
      infer: summarise(e2e.phases.infer),
      total: summarise(e2e.phases.total),
    };
    const sumTotal = e2e.phases.total.reduce((a, b) => a + b, 0);
    const other = e2e.phases.total.map((t, i) => t - e2e.phases.decode[i] - e2e.phases.preprocess[i] - e2e.phases.infer[i]);
    const meetsRate = rate >= TARGET_RATE;
    const meetsP95 = s.total.p95 < TARGET_P95_MS;
    const data = {
      images: set.label,
      model: path.identity,
      count,
      inFlight,
      scanned,
      errors: e2e.errors,
      imagesPerSecond: rate,
      latencyMs: s,
      baseline: { what: 'inference alone on pre-made tensors, batch 1', imagesPerSecond: base.rate, inferMs: base.infer },
      ratio: rate / base.rate,
      targets: { imagesPerSecond: TARGET_RATE, p95Ms: TARGET_P95_MS, met: meetsRate && meetsP95 },
    };
    const text = [
      `V4 path end to end, 1 thread, batch 1, ${inFlight} in flight: ${set.label}; model ${path.identity.id} (${path.identity.version})`,
      `  ${scanned} scans in ${(e2e.wallMs / 1000).toFixed(2)} s: ${rate.toFixed(0)} images/s` +
        (Object.keys(e2e.errors).length ? `  (errors: ${JSON.stringify(e2e.errors)})` : ''),
      `  decode      ${formatMs(s.decode)}`,
      `  preprocess  ${formatMs(s.preprocess)}`,
      `  infer       ${formatMs(s.infer)}`,
      `  total       ${formatMs(s.total)}`,
      `  time share: decode ${share(e2e.phases.decode, sumTotal)}, preprocess ${share(e2e.phases.preprocess, sumTotal)},` +
        ` infer ${share(e2e.phases.infer, sumTotal)}, other ${share(other, sumTotal)}`,
      `baseline (same run): inference alone on pre-made tensors: ${base.rate.toFixed(0)} images/s`,
      `  infer       ${formatMs(base.infer)}`,
      `ratio end to end / baseline: ${data.ratio.toFixed(2)}`,
      `targets: >= ${TARGET_RATE} images/s ${meetsRate ? 'met' : 'MISSED'}; p95 < ${TARGET_P95_MS} ms ${meetsP95 ? 'met' : 'MISSED'}`,
    ].join('\n');
    return { name: 'v4', text, data };
  } finally {
    await path.close();
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

export const v4Bench: Bench = {
  name: 'v4',
  description: 'V4 path (decode, streams, inference) end to end vs inference alone, 1 thread',
  addOptions: (command: Command) =>
    command
      .option('--images <dir>', 'folder of images (default: a generated set of 256x256 photos)')
      .option('--count <n>', `scans to time (default ${DEFAULT_COUNT})`, positiveInt)
      .option('--model <path>', 'ONNX model (default: the reference model)')
      .option('--in-flight <n>', 'scans in flight at once (default 1: strictly sequential)', positiveInt),
  run: (options) => runV4Bench(options as V4BenchOptions),
};
