// The V4 model in onnxruntime-node. It feeds the inputs the model declares (older models
// declare fewer streams) and reads the outputs it has; only stego_logits is required.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { STREAM_NAMES, STREAM_SHAPES, streamSize, type StreamName, type V4Streams } from './contract.ts';
import { V4Error } from './errors.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import {
  OUTPUT_WIDTHS,
  REQUIRED_OUTPUT,
  isOutputName,
  type ModelOutputs,
  type OutputName,
} from './outputs.ts';

export interface V4ModelOptions {
  /** onnxruntime intra-op threads. */
  threads?: number;
  /** Streams fed as zeros on every run (ablation), unless a run says otherwise. */
  zeroStreams?: readonly StreamName[];
  /** Runs waiting or running at most; more reject with OVERLOADED (default MODEL_MAX_QUEUED). */
  maxQueued?: number;
}

/** Each queued run holds its streams (~2.4 MB an image): 64 bound that to about 150 MB. */
export const MODEL_MAX_QUEUED = 64;

export interface RunOptions {
  /** Streams fed as zeros for this run; overrides the model's default. */
  zeroStreams?: readonly StreamName[];
  /**
   * The caller gives the streams up: a model in another thread may take their buffers instead
   * of copying them (2.4 MB an image, twice), and they are empty afterwards. In place: ignored.
   */
  transfer?: boolean;
}

/** Which model produced a verdict. */
export interface ModelIdentity {
  /** The file name. */
  id: string;
  /** metadata_props "version" of the ONNX file, else the file name. */
  version: string;
  /** SHA-256 of the file, hex. */
  sha256: string;
}

function isStreamName(name: string): name is StreamName {
  return Object.hasOwn(STREAM_SHAPES, name);
}

function modelError(path: string, message: string, cause?: unknown): V4Error {
  return new V4Error('MODEL_ERROR', `model ${path}: ${message}`, { cause });
}

/** Dims after the batch axis must match the contract where the model fixes them. */
function checkShape(path: string, name: string, declared: readonly (number | string)[], want: readonly number[]): void {
  const rest = declared.slice(1);
  if (declared.length === 0) return; // shape not recorded in the model
  const ok = rest.length === want.length && rest.every((d, i) => typeof d !== 'number' || d === want[i]);
  if (!ok) throw modelError(path, `${name} has shape [${declared}], the contract says [N,${want}]`);
}

function checkInputs(path: string, session: ort.InferenceSession): StreamName[] {
  const inputs: StreamName[] = [];
  for (const meta of session.inputMetadata) {
    if (!isStreamName(meta.name)) throw modelError(path, `unknown input "${meta.name}"`);
    if (meta.isTensor) {
      if (meta.type !== 'float32') throw modelError(path, `input ${meta.name} is ${meta.type}, not float32`);
      checkShape(path, meta.name, meta.shape, STREAM_SHAPES[meta.name]);
    }
    inputs.push(meta.name);
  }
  return inputs;
}

/** The known outputs the model has; other outputs are ignored. */
function checkOutputs(path: string, session: ort.InferenceSession): OutputName[] {
  const outputs: OutputName[] = [];
  for (const meta of session.outputMetadata) {
    if (!isOutputName(meta.name)) continue;
    if (meta.isTensor) checkShape(path, meta.name, meta.shape, [OUTPUT_WIDTHS[meta.name]]);
    outputs.push(meta.name);
  }
  if (!outputs.includes(REQUIRED_OUTPUT)) throw modelError(path, `no ${REQUIRED_OUTPUT} output`);
  return outputs;
}

/** The "version" metadata entry; a model without readable metadata is still usable. */
function versionOf(file: Uint8Array): string | null {
  try {
    return readOnnxMetadata(file).version || null;
  } catch {
    return null;
  }
}

export class V4Model {
  /** Packing buffers per input, grown to the largest batch seen and reused. */
  private readonly packed = new Map<StreamName, Float32Array>();
  private readonly zeros = new Map<StreamName, Float32Array>();
  /** Runs are serialised so the shared packing buffers are never written while in use. */
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly identity: ModelIdentity,
    readonly inputs: readonly StreamName[],
    readonly outputs: readonly OutputName[],
    private readonly defaultZero: readonly StreamName[],
    private readonly maxQueued: number,
  ) {}

  static async load(path: string, options: V4ModelOptions = {}): Promise<V4Model> {
    let file: Buffer;
    try {
      file = await readFile(path);
    } catch (e) {
      throw modelError(path, `cannot read the file (${(e as Error).message})`, e);
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Idle intra-op threads sleep instead of spinning: spinning doubled the CPU an image at 2
        // threads (11 ms against 5.5) and took the core the decode worker needs; asleep, 2
        // threads cost what 1 does (5.2 ms). Without effect at 1 thread.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (e) {
      throw modelError(path, `not a loadable ONNX model (${(e as Error).message})`, e);
    }
    let inputs: StreamName[];
    let outputs: OutputName[];
    try {
      inputs = checkInputs(path, session);
      outputs = checkOutputs(path, session);
    } catch (e) {
      await session.release();
      throw e;
    }
    const identity: ModelIdentity = {
      id: basename(path),
      version: versionOf(file) ?? basename(path),
      sha256: createHash('sha256').update(file).digest('hex'),
    };
    return new V4Model(session, identity, inputs, outputs, options.zeroStreams ?? [], options.maxQueued ?? MODEL_MAX_QUEUED);
  }

  /** Runs one batch; outputs are in input order. Streams the model does not declare are not read. */
  run(batch: readonly V4Streams[], options: RunOptions = {}): Promise<ModelOutputs> {
    if (this.queued >= this.maxQueued) {
      return Promise.reject(new V4Error('OVERLOADED', `${this.queued} model runs queued already (limit ${this.maxQueued})`));
    }
    this.queued++;
    const next = this.queue.then(() => this.runNow(batch, options.zeroStreams ?? this.defaultZero)).finally(() => this.queued--);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** One run on zeros, so the first real image does not pay for onnxruntime's lazy set-up. */
  async warmUp(): Promise<void> {
    const zeros = Object.fromEntries(STREAM_NAMES.map((n) => [n, new Float32Array(streamSize(n))])) as V4Streams;
    await this.run([zeros]);
  }

  async release(): Promise<void> {
    await this.queue;
    await this.session.release();
  }

  private async runNow(batch: readonly V4Streams[], zero: readonly StreamName[]): Promise<ModelOutputs> {
    const n = batch.length;
    if (n === 0) return { batch: 0, values: {} };
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.inputs) {
      const data = zero.includes(name) ? this.zeroBuffer(name, n) : this.pack(name, batch);
      feeds[name] = new ort.Tensor('float32', data, [n, ...STREAM_SHAPES[name]]);
    }
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(feeds, [...this.outputs]);
    } catch (e) {
      throw new V4Error('MODEL_ERROR', `inference failed: ${(e as Error).message}`, { cause: e });
    }
    const values: ModelOutputs['values'] = {};
    for (const name of this.outputs) values[name] = results[name].data as Float32Array;
    return { batch: n, values };
  }

  /** The batch's slices of one stream, contiguous. A single image is fed without a copy. */
  private pack(name: StreamName, batch: readonly V4Streams[]): Float32Array {
    const size = streamSize(name);
    for (const s of batch) {
      const got = s[name]?.length;
      if (got !== size) throw new V4Error('MODEL_ERROR', `stream ${name} has ${got} values, expected ${size}`);
    }
    if (batch.length === 1) return batch[0][name];
    const buf = this.grow(this.packed, name, batch.length * size);
    batch.forEach((s, i) => buf.set(s[name], i * size));
    return buf.subarray(0, batch.length * size);
  }

  private zeroBuffer(name: StreamName, n: number): Float32Array {
    const len = n * streamSize(name);
    return this.grow(this.zeros, name, len).subarray(0, len);
  }

  private grow(cache: Map<StreamName, Float32Array>, name: StreamName, len: number): Float32Array {
    const have = cache.get(name);
    if (have && have.length >= len) return have;
    const buf = new Float32Array(Math.max(len, (have?.length ?? 0) * 2));
    cache.set(name, buf);
    return buf;
  }
}
