// One worker thread that decodes the messages too big to decode on the event loop (over
// `nats.decodeOffloadBytes`): JSON.parse cannot be cut into slices, and a 1 MiB batch held
// /healthz for 50-200 ms on a loaded machine. The agents' usual batches (about 26 KB) stay on the
// event loop, where they cost less than the copy to and from the worker. The worker is started
// by the first big message (so normal traffic never pays its boot, seconds of CPU on a busy
// machine, nor its memory). Big messages that come while it boots wait for it (at most
// `bootWaitMs`): decoding them on the event loop meanwhile held /healthz 150-250 ms under a burst
// of 1 MiB batches, since the boot takes seconds on a busy machine. Past that wait, or if the
// worker dies, the caller decodes the message itself.
import { Worker } from 'node:worker_threads';
import type { DecodeLimits, Decoded, Origin } from './decode.ts';
import type { DecodeReply, DecodeTask } from './decode-worker.ts';

/** The V4 workers' boot file: registers tsx in the thread, then loads workerData.entry. */
const BOOT = new URL('../../v4/pool/worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./decode-worker.ts', import.meta.url).href;

/** How long a big message waits for the booting worker (`nats.decodeWorkerBootMs`). */
export const DEFAULT_DECODE_WORKER_BOOT_MS = 30_000;

interface Pending {
  resolve(decoded: Decoded): void;
  reject(error: Error): void;
}

/** A task waiting for the worker to boot, and the timer that gives up on it. */
interface Queued {
  task: DecodeTask;
  timer: NodeJS.Timeout;
}

export class DecodeOffload {
  private readonly pending = new Map<number, Pending>();
  private readonly queued = new Map<number, Queued>();
  private nextId = 1;
  private worker: Worker | undefined;
  private started = false;
  private closed = false;
  /** A worker that exited before it was ready is not started again (it would loop). */
  private bootFailed = false;

  constructor(private readonly bootWaitMs = DEFAULT_DECODE_WORKER_BOOT_MS) {}

  /** True once the worker has loaded the schemas (and while it lives). */
  get ready(): boolean {
    return this.started && this.worker !== undefined;
  }

  /**
   * Decodes in the worker, waiting for it to boot when it is starting (it starts with the first
   * call); rejects when it cannot boot, does not boot within bootWaitMs, or fails, and the caller
   * decodes the message itself.
   */
  decode(data: Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number): Promise<Decoded> {
    if (!this.worker && !this.closed && !this.bootFailed) this.spawn();
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the decode worker is not running'));
    const id = this.nextId++;
    // A copy: the message's bytes may be a view into the client's larger read buffer.
    const task: DecodeTask = { id, data: data.slice(), origin, limits, nowMs };
    return new Promise<Decoded>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.started) this.post(worker, task);
      else this.queued.set(id, { task, timer: setTimeout(() => this.giveUp(id), this.bootWaitMs) });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll('the decode worker is closed');
    await this.worker?.terminate();
  }

  private post(worker: Worker, task: DecodeTask): void {
    worker.postMessage(task, [task.data.buffer as ArrayBuffer]);
  }

  /** A task that waited bootWaitMs for the worker: the caller decodes it. */
  private giveUp(id: number): void {
    this.queued.delete(id);
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    waiting?.reject(new Error(`the decode worker did not boot within ${this.bootWaitMs} ms`));
  }

  private failAll(reason: string): void {
    for (const { timer } of this.queued.values()) clearTimeout(timer);
    this.queued.clear();
    for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
    this.pending.clear();
  }

  private spawn(): void {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY } });
    this.worker = worker;
    this.started = false;
    worker.unref();
    worker.on('message', (reply: DecodeReply | 'ready') => {
      if (reply === 'ready') {
        this.started = true;
        for (const { task, timer } of this.queued.values()) {
          clearTimeout(timer);
          this.post(worker, task);
        }
        this.queued.clear();
        return;
      }
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.decoded);
      else waiting?.reject(new Error(reply.message));
    });
    worker.on('error', () => undefined); // 'exit' follows and says it
    worker.on('exit', (code) => {
      const hadStarted = this.started;
      this.worker = undefined;
      this.started = false;
      this.failAll(`the decode worker exited (${code})`);
      // Only a worker that once started is replaced: one that cannot boot would loop.
      if (!hadStarted) this.bootFailed = true;
      else if (!this.closed) this.spawn();
    });
  }
}
