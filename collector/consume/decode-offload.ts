// One worker thread that decodes the messages too big to decode on the event loop (over
// `nats.decodeOffloadBytes`): JSON.parse cannot be cut into slices, and a 1 MiB batch held
// /healthz for 50-200 ms on a loaded machine. The agents' usual batches (about 26 KB) stay on the
// event loop, where they cost less than the copy to and from the worker. The worker is started
// by the first big message (so normal traffic never pays its boot, seconds of CPU on a busy
// machine, nor its memory); until it is up, and if it dies, the event loop decodes it itself.
import { Worker } from 'node:worker_threads';
import type { DecodeLimits, Decoded, Origin } from './decode.ts';
import type { DecodeReply, DecodeTask } from './decode-worker.ts';

/** The V4 workers' boot file: registers tsx in the thread, then loads workerData.entry. */
const BOOT = new URL('../../v4/pool/worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./decode-worker.ts', import.meta.url).href;

interface Pending {
  resolve(decoded: Decoded): void;
  reject(error: Error): void;
}

export class DecodeOffload {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private worker: Worker | undefined;
  private started = false;
  private closed = false;
  /** A worker that exited before it was ready is not started again (it would loop). */
  private bootFailed = false;

  /** True once the worker has loaded the schemas (and while it lives). */
  get ready(): boolean {
    return this.started && this.worker !== undefined;
  }

  /**
   * Decodes in the worker; rejects when it is not ready (starting it the first time) or fails,
   * and the caller decodes the message itself.
   */
  decode(data: Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number): Promise<Decoded> {
    if (!this.worker && !this.closed && !this.bootFailed) this.spawn();
    const worker = this.worker;
    if (!this.ready || !worker) return Promise.reject(new Error('the decode worker is not ready'));
    const id = this.nextId++;
    // A copy: the message's bytes may be a view into the client's larger read buffer.
    const bytes = data.slice();
    const task: DecodeTask = { id, data: bytes, origin, limits, nowMs };
    return new Promise<Decoded>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(task, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }

  private spawn(): void {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY } });
    this.worker = worker;
    this.started = false;
    worker.unref();
    worker.on('message', (reply: DecodeReply | 'ready') => {
      if (reply === 'ready') {
        this.started = true;
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
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the decode worker exited (${code})`));
      this.pending.clear();
      // Only a worker that once started is replaced: one that cannot boot would loop.
      if (!hadStarted) this.bootFailed = true;
      else if (!this.closed) this.spawn();
    });
  }
}
