// Runs a model over a dataset, one file at a time (batch 1, as a request is served): read,
// decode + preprocess once, infer. With ablation the same streams are then fed again once per
// declared stream with that stream zeroed, so nine runs cost one decode.
import { readFile, stat } from 'node:fs/promises';
import type { StreamName } from '../v4/contract.ts';
import { isV4Error, V4Error } from '../v4/errors.ts';
import { sniffFormat } from '../agent/events/sniff-format.ts';
import type { ModelIdentity } from '../v4/model.ts';
import { V4Path } from '../v4/path.ts';
import { preprocess, type Preprocessed } from '../v4/preprocess.ts';
import { containerVerdict } from '../v4/container-rule.ts';
import { STEGO_THRESHOLD, type Verdict } from '../v4/verdict.ts';
import type { DecodeLimits } from '../v4/limits.ts';
import type { ModelOutputs } from '../v4/outputs.ts';
import type { DatasetItem } from './dataset.ts';
import type { ItemResult } from './item-result.ts';
import { PeakRss } from './memory.ts';

export interface RunOptions {
  modelPath: string;
  limits?: Partial<DecodeLimits>;
  threshold?: number;
  /** Also run each declared stream zeroed, on the same preprocessed streams. */
  ablate?: boolean;
  onItem?: (done: number, total: number) => void;
}

export interface RunOutput {
  model: ModelIdentity;
  /** Streams the model declares (the ones ablation zeroes). */
  inputs: StreamName[];
  results: ItemResult[];
  /** Time spent on the plain path (read, decode, preprocess, infer), ablation runs excluded. */
  busyMs: number;
  peakRss: { sampledBytes: number; processMaxBytes: number };
  /** Per ablated stream, the verdict of each result (null where the file never reached the model). */
  ablation: Map<StreamName, (Verdict | null)[]> | null;
}

export async function runModel(items: readonly DatasetItem[], options: RunOptions): Promise<RunOutput> {
  const path = await V4Path.load({ modelPath: options.modelPath, limits: options.limits });
  const memory = new PeakRss().start();
  const threshold = options.threshold ?? STEGO_THRESHOLD;
  const inputs = [...path.model.inputs];
  const ablation = options.ablate ? new Map(inputs.map((s) => [s, [] as (Verdict | null)[]])) : null;
  const results: ItemResult[] = [];
  let busyMs = 0;
  try {
    for (const item of items) {
      const started = performance.now();
      const { result, prepared } = await judge(path, item, threshold);
      busyMs += performance.now() - started;
      results.push(result);
      if (ablation) {
        for (const stream of inputs) ablation.get(stream)!.push(prepared ? await zeroedVerdict(path, prepared, stream, threshold) : null);
      }
      memory.sample();
      options.onItem?.(results.length, items.length);
    }
  } finally {
    await path.close();
  }
  return { model: path.identity, inputs, results, busyMs, peakRss: memory.stop(), ablation };
}

async function zeroedVerdict(path: V4Path, prepared: Preprocessed, stream: StreamName, threshold: number): Promise<Verdict> {
  return containerVerdict(await path.model.run([prepared.streams], { zeroStreams: [stream] }), 0, threshold, prepared.info);
}

/** One file through the plain path, as the agent judges it; the preprocessed image is returned for ablation. */
async function judge(path: V4Path, item: DatasetItem, threshold: number): Promise<{ result: ItemResult; prepared: Preprocessed | null }> {
  const base: ItemResult = {
    file: item.file, dataset: item.dataset, algorithm: item.algorithm, format: 'unknown', mode: null, width: 0, height: 0, bytes: 0,
    label: item.label, verdict: null, error: item.labelError, timings: null,
  };
  const size = await stat(item.file).then((s) => s.size, () => -1);
  if (size > path.limits.maxBytes) {
    // Refused before the file is read, as the agent refuses it before decoding.
    const error = { code: 'TOO_MANY_BYTES', message: `${size} bytes, the limit is ${path.limits.maxBytes}` };
    return { result: { ...base, bytes: size, error }, prepared: null };
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(item.file);
  } catch (e) {
    return { result: { ...base, error: { code: 'READ_ERROR', message: (e as Error).message } }, prepared: null };
  }
  const sniffed = { ...base, bytes: bytes.length, format: sniffFormat(bytes) };
  const t0 = performance.now();
  let prepared: Preprocessed;
  try {
    prepared = await preprocess(bytes, path.limits);
  } catch (e) {
    const err = toV4Error(e);
    return { result: { ...sniffed, error: { code: err.code, message: err.message } }, prepared: null };
  }
  const t1 = performance.now();
  let out: ModelOutputs;
  try {
    out = await path.model.run([prepared.streams]);
  } catch (e) {
    const err = toV4Error(e);
    return { result: { ...sniffed, error: { code: err.code, message: err.message } }, prepared: null };
  }
  const inferMs = performance.now() - t1;
  const { info } = prepared;
  return {
    result: {
      ...sniffed,
      format: info.format, mode: info.mode, width: info.width, height: info.height,
      verdict: containerVerdict(out, 0, threshold, info),
      timings: { decodeMs: prepared.decodeMs, preprocessMs: prepared.preprocessMs, inferMs, totalMs: performance.now() - t0 },
    },
    prepared,
  };
}

/** Decoders may throw plain errors on odd input; results always carry a typed code. */
function toV4Error(e: unknown): V4Error {
  if (isV4Error(e)) return e;
  return new V4Error('CORRUPT_IMAGE', `cannot decode the image: ${(e as Error)?.message ?? String(e)}`);
}
