// A fixed pool of decode workers with a bounded queue. The V4 path hands it each image's bytes
// and gets the streams back, so decoding one image overlaps with the model running another,
// and the event loop stays free for /healthz and /metrics while scans run.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { V4Error, V4_ERROR_CODES, type V4ErrorCode } from '../errors.ts';
import type { DecodeLimits } from '../limits.ts';
import type { Preprocessed } from '../preprocess.ts';
import { fromWire, type PreprocessReply, type PreprocessTask, type WorkerMessage } from './messages.ts';
import { startV4Worker } from './start-worker.ts';

/** One core is left to the event loop and onnxruntime; the pool has at least one worker. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * onnxruntime intra-op threads: the cores the decode workers leave, at least one. More threads
 * than free cores only spin: on 2 cores, 2 threads cost twice the CPU an image for no speed.
 */
export function defaultModelThreads(workers: number, cores = availableParallelism()): number {
  return Math.max(1, cores - workers);
}

/** Images waiting for a worker at most; admission control normally keeps far fewer. */
export const POOL_MAX_QUEUED = 256;

interface Task {
  id: number;
  bytes: Uint8Array;
  limits: DecodeLimits;
  /** The model worker's id for the image when its streams go there directly. */
  forwardAs?: number;
  /** The streams, or null once the worker sent them to the model worker. */
  resolve: (p: Preprocessed | null) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** Only a worker that started once is replaced when it dies (no respawn loop on a bad boot). */
  ready: boolean;
}

function toError(reply: Extract<PreprocessReply, { ok: false }>): Error {
  const known = reply.code !== null && (V4_ERROR_CODES as readonly string[]).includes(reply.code);
  return known ? new V4Error(reply.code as V4ErrorCode, reply.message) : new Error(reply.message);
}

export class PreprocessPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Runs on every worker, those that replace dead ones too (DirectScan's channel to the model). */
  private link: ((worker: Worker) => void) | null = null;

  private constructor(private readonly maxQueued: number) {}

  /** Starts `size` workers and waits until each has loaded the decoders. */
  static async start(size = defaultWorkerCount(), maxQueued = POOL_MAX_QUEUED): Promise<PreprocessPool> {
    const pool = new PreprocessPool(maxQueued);
    await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  preprocess(bytes: Uint8Array, limits: DecodeLimits): Promise<Preprocessed> {
    return this.enqueue(bytes, limits).then((p) => p ?? Promise.reject(new Error('the streams went to the model worker')));
  }

  /** Decodes the image and sends its streams straight to the connected model worker as `modelId`. */
  forward(bytes: Uint8Array, limits: DecodeLimits, modelId: number): Promise<void> {
    return this.enqueue(bytes, limits, modelId).then(() => undefined);
  }

  /** Calls `link` on each worker now and on each one started later. */
  connect(link: (worker: Worker) => void): void {
    this.link = link;
    for (const slot of this.slots) link(slot.worker);
  }

  private enqueue(bytes: Uint8Array, limits: DecodeLimits, forwardAs?: number): Promise<Preprocessed | null> {
    if (this.closed) return Promise.reject(new Error('the decode pool is closed'));
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(new V4Error('OVERLOADED', `${this.waiting.length} images wait for a decoder already (limit ${this.maxQueued})`));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, bytes, limits, forwardAs, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(new Error('the decode pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || this.waiting.length === 0) continue;
      const task = this.waiting.shift()!;
      slot.task = task;
      slot.worker.ref();
      // A copy the worker owns, transferred: the caller keeps its bytes (Buffer.slice would be a view).
      const bytes = new Uint8Array(task.bytes);
      const message: PreprocessTask = { id: task.id, bytes, limits: task.limits, forwardAs: task.forwardAs };
      slot.worker.postMessage(message, [bytes.buffer]);
    }
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const slot: Slot = { worker: startV4Worker('./preprocess-worker.ts'), task: null, ready: false };
      this.slots.push(slot);
      this.link?.(slot.worker);
      slot.worker.on('message', (m: WorkerMessage) => {
        if ('ready' in m) {
          slot.ready = true;
          slot.worker.unref();
          resolve();
          return;
        }
        this.finish(slot, m);
      });
      slot.worker.on('error', (e) => reject(e));
      slot.worker.on('exit', (code) => this.onExit(slot, code));
    });
  }

  private finish(slot: Slot, reply: PreprocessReply): void {
    const task = slot.task;
    slot.task = null;
    slot.worker.unref();
    if (task && task.id === reply.id) {
      if (!reply.ok) task.reject(toError(reply));
      else if ('sentToModel' in reply) task.resolve(null);
      else task.resolve({ info: reply.info, streams: fromWire(reply.streams), decodeMs: reply.decodeMs, preprocessMs: reply.preprocessMs });
    }
    this.dispatch();
  }

  /** A worker that died (a decoder crash, out of memory) fails its image and is replaced. */
  private onExit(slot: Slot, code: number): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.task?.reject(new Error(`the decode worker stopped (exit code ${code})`));
    if (this.closed || !slot.ready) return;
    this.spawn().then(
      () => this.dispatch(),
      () => {},
    );
  }
}
