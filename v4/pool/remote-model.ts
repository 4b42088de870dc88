// A V4Model in a worker thread, behind the same interface (ModelRunner). Streams are copied
// over (the caller may run them again, as ablation does) unless the caller gives them up
// (RunOptions.transfer, as the V4 path does); the shared zero streams are not sent.
import type { MessagePort, Worker } from 'node:worker_threads';
import type { StreamName, V4Streams } from '../contract.ts';
import { V4Error, V4_ERROR_CODES, type V4ErrorCode } from '../errors.ts';
import { MODEL_MAX_QUEUED, type ModelIdentity, type RunOptions, type V4ModelOptions } from '../model.ts';
import type { ModelRunner } from '../model-runner.ts';
import type { ModelOutputs, OutputName } from '../outputs.ts';
import { STREAM_NAMES, streamSize } from '../contract.ts';
import type { ImageInfo } from '../preprocess.ts';
import type { DecodeLimits } from '../limits.ts';
import { streamsToWire, transferList, type ConnectMessage, type ForwardedReply, type ScanRequest, type WireStreams } from './messages.ts';
import { startV4Worker } from './start-worker.ts';

export type ModelRequest =
  | { id: number; release?: false; batch: WireStreams[]; zeroStreams?: readonly StreamName[] }
  | { id: number; release: true; batch?: never; zeroStreams?: never }
  | ScanRequest
  | ConnectMessage;

export type ModelReply =
  | { id: number; ok: true; outputs: ModelOutputs }
  | { id: number; ok: false; code: string | null; message: string };

type Ready =
  | { ready: true; identity: ModelIdentity; inputs: StreamName[]; outputs: OutputName[] }
  | { ready: false; code: string | null; message: string };

function toError(failure: { code: string | null; message: string }): V4Error {
  const known = failure.code !== null && (V4_ERROR_CODES as readonly string[]).includes(failure.code);
  return new V4Error(known ? (failure.code as V4ErrorCode) : 'MODEL_ERROR', failure.message);
}

interface Pending<T> {
  resolve: (o: T) => void;
  reject: (e: Error) => void;
}

/** The model's answer for an image a decode worker sent straight to the model worker. */
export interface ForwardedResult {
  info: ImageInfo;
  outputs: ModelOutputs;
  decodeMs: number;
  preprocessMs: number;
  inferMs: number;
  /** onnxruntime intra-op threads of the model that ran it. */
  threads: number;
}

export class RemoteModel implements ModelRunner {
  private readonly pending = new Map<number, Pending<ModelOutputs>>();
  /** Images this worker decodes itself or a decode worker sends it, by the id expect() gave them. */
  private readonly forwarded = new Map<number, Pending<ForwardedResult>>();
  private nextId = 1;
  private released = false;

  private constructor(
    private readonly worker: Worker,
    readonly identity: ModelIdentity,
    readonly inputs: readonly StreamName[],
    readonly outputs: readonly OutputName[],
    private readonly maxQueued: number,
  ) {
    worker.on('message', (m: ModelReply | ForwardedReply) => ('forwarded' in m ? this.settleForwarded(m) : this.settle(m)));
    worker.on('exit', (code) => this.failAll(new V4Error('MODEL_ERROR', `the model worker stopped (exit code ${code})`)));
    worker.unref();
  }

  /**
   * `aloneThreads`: the worker also loads the model with that many intra-op threads, for
   * scan(..., alone). `nice`: the worker's thread runs at that OS priority (thread-priority.ts).
   */
  static load(modelPath: string, options: V4ModelOptions = {}, aloneThreads?: number, nice?: number): Promise<RemoteModel> {
    const worker = startV4Worker('./model-worker.ts', { modelPath, options, aloneThreads, nice });
    return new Promise((resolve, reject) => {
      worker.once('message', (m: Ready) => {
        if (m.ready) resolve(new RemoteModel(worker, m.identity, m.inputs, m.outputs, options.maxQueued ?? MODEL_MAX_QUEUED));
        else {
          reject(toError(m));
          void worker.terminate();
        }
      });
      worker.once('error', reject);
    });
  }

  run(batch: readonly V4Streams[], options: RunOptions = {}): Promise<ModelOutputs> {
    if (this.released) return Promise.reject(new V4Error('MODEL_ERROR', 'the model was released'));
    // Bounded here, not only in the worker: the worker may finish a run between two messages, so
    // only the caller's count of runs not yet answered is exact (and a refusal costs no copy).
    if (this.queued >= this.maxQueued) {
      return Promise.reject(new V4Error('OVERLOADED', `${this.queued} model runs queued already (limit ${this.maxQueued})`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.holdWorker();
      const wire = batch.map(streamsToWire);
      const request: ModelRequest = { id, batch: wire, zeroStreams: options.zeroStreams };
      this.worker.postMessage(request, options.transfer ? transferList(wire) : []);
    });
  }

  /** Gives the model worker its end of a channel a decode worker sends streams on. */
  connect(port: MessagePort): void {
    this.worker.postMessage({ connect: port } satisfies ConnectMessage, [port]);
  }

  /**
   * An id for an image a decode worker will send to the model worker directly, and the answer.
   * Throws OVERLOADED at once when the model's queue is full, before any decoding is spent.
   */
  expect(): { id: number; answer: Promise<ForwardedResult> } {
    if (this.released) throw new V4Error('MODEL_ERROR', 'the model was released');
    if (this.queued >= this.maxQueued) throw new V4Error('OVERLOADED', `${this.queued} model runs queued already (limit ${this.maxQueued})`);
    const id = this.nextId++;
    const answer = new Promise<ForwardedResult>((resolve, reject) => {
      this.forwarded.set(id, { resolve, reject });
      this.holdWorker();
    });
    return { id, answer };
  }

  /** Decodes the image in the model worker itself and runs it there: no hop between threads. */
  scan(bytes: Uint8Array, limits: DecodeLimits, alone = false): Promise<ForwardedResult> {
    let expected;
    try {
      expected = this.expect();
    } catch (e) {
      return Promise.reject(e);
    }
    this.worker.postMessage({ id: expected.id, scan: bytes, limits, alone } satisfies ScanRequest);
    return expected.answer;
  }

  /** The image never reached the model (its decoding failed): stop waiting for it. */
  forget(id: number): void {
    if (this.forwarded.delete(id)) this.releaseWorker();
  }

  async warmUp(): Promise<void> {
    const zeros = Object.fromEntries(STREAM_NAMES.map((n) => [n, new Float32Array(streamSize(n))])) as V4Streams;
    await this.run([zeros]);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage({ id: 0, release: true } satisfies ModelRequest);
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private settle(reply: ModelReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.releaseWorker();
    if (reply.ok) p.resolve(reply.outputs);
    else p.reject(toError(reply));
  }

  private settleForwarded(reply: ForwardedReply): void {
    const p = this.forwarded.get(reply.id);
    if (!p) return;
    this.forwarded.delete(reply.id);
    this.releaseWorker();
    if (!reply.ok) return p.reject(toError(reply));
    const { info, outputs, decodeMs, preprocessMs, inferMs, threads } = reply;
    p.resolve({ info, outputs, decodeMs, preprocessMs, inferMs, threads });
  }

  /** Runs asked for and not answered yet, of every kind: the bound on the model's queue. */
  get queued(): number {
    return this.pending.size + this.forwarded.size;
  }

  /** A worker with work keeps the process alive; an idle one does not hold it open. */
  private holdWorker(): void {
    if (this.queued === 1) this.worker.ref();
  }

  private releaseWorker(): void {
    if (this.queued === 0) this.worker.unref();
  }

  private failAll(error: Error): void {
    for (const p of [...this.pending.values(), ...this.forwarded.values()]) p.reject(error);
    this.pending.clear();
    this.forwarded.clear();
  }
}
