// Batches lines per retention target and sends them with a few requests in flight, retrying
// with backoff until the server accepts them. Holding on (instead of dropping) is what lets the
// collector keep its ack promise: a NATS message is acked only after flush() says its points are in.
import { retentionOf, type RetentionTarget } from '../../schemas/measurements.ts';
import { formatLine } from './line-protocol.ts';
import type { Point } from './point.ts';
import { WriteError, type PointSink, type SinkStats } from './sink.ts';

export interface Transport {
  /**
   * Sends one batch of lines, given as UTF-8 runs of whole lines, each ending in a newline (their
   * concatenation is the body); throws WriteError.
   */
  send(target: RetentionTarget, body: readonly Buffer[]): Promise<void>;
}

export interface BatchingOptions {
  batchSize: number;
  maxInFlight: number;
  /** A partly filled batch is sent after this long, so a slow stream still lands quickly. */
  flushIntervalMs: number;
  maxBackoffMs: number;
  /** Called with the origins (ms) of the points of each accepted batch. */
  onAccepted?: (originsMs: readonly number[], nowMs: number) => void;
  onError?: (error: WriteError, attempt: number) => void;
}

interface Batch {
  id: number;
  target: RetentionTarget;
  /**
   * Runs of lines, already UTF-8, each ending in a newline: encoded once here, the body is never
   * joined into one string (or copied again) on its way to the socket, and the backlog lives
   * off the JS heap.
   */
  chunks: Buffer[];
  /** Lines in the chunks. */
  count: number;
  origins: number[];
}

export class BatchingSink implements PointSink {
  readonly stats: SinkStats = {
    pointsAccepted: 0,
    batchesAccepted: 0,
    writeErrors: 0,
    pointsRejected: 0,
    lastError: null,
    lastAcceptedMs: 0,
  };
  private open = new Map<RetentionTarget, Batch>();
  private queue: Batch[] = [];
  private unfinished = new Set<number>();
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private nextId = 1;
  private inFlight = 0;
  private queuedLines = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly transport: Transport,
    private readonly options: BatchingOptions,
  ) {
    this.timer = setInterval(() => this.sealAll(), options.flushIntervalMs);
    this.timer.unref();
  }

  get backlog(): number {
    return this.queuedLines;
  }

  write(points: readonly Point[]): void {
    for (const point of points) {
      const line = formatLine(point);
      if (line !== undefined) this.add(retentionOf(point.measurement), line, point.originMs);
    }
  }

  /** The lines go out together, in one batch (which may pass batchSize by less than their number). */
  writeLines(target: RetentionTarget, lines: readonly string[], originsMs?: readonly number[]): void {
    if (lines.length === 0) return;
    const batch = this.openBatch(target);
    batch.chunks.push(Buffer.from(lines.join('\n') + '\n'));
    batch.count += lines.length;
    if (originsMs) for (let i = 0; i < originsMs.length; i++) batch.origins.push(originsMs[i]);
    this.queuedLines += lines.length;
    if (batch.count >= this.options.batchSize) this.seal(target);
  }

  private add(target: RetentionTarget, line: string, originMs: number | undefined): void {
    const batch = this.openBatch(target);
    batch.chunks.push(Buffer.from(line + '\n'));
    batch.count++;
    if (originMs !== undefined) batch.origins.push(originMs);
    this.queuedLines++;
    if (batch.count >= this.options.batchSize) this.seal(target);
  }

  private openBatch(target: RetentionTarget): Batch {
    let batch = this.open.get(target);
    if (!batch) this.open.set(target, (batch = this.newBatch(target)));
    return batch;
  }

  flush(): Promise<void> {
    this.sealAll();
    const upTo = this.nextId - 1;
    if (!this.hasUnfinishedUpTo(upTo)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  async close(graceMs = 5000): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.closed = true;
  }

  private newBatch(target: RetentionTarget): Batch {
    const batch = { id: this.nextId++, target, chunks: [], count: 0, origins: [] };
    this.unfinished.add(batch.id);
    return batch;
  }

  private sealAll(): void {
    for (const target of [...this.open.keys()]) this.seal(target);
  }

  private seal(target: RetentionTarget): void {
    const batch = this.open.get(target);
    if (!batch) return;
    this.open.delete(target);
    this.queue.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.inFlight++;
      void this.deliver(batch).then((done) => {
        this.inFlight--;
        if (done) this.finish(batch);
        this.pump();
      });
    }
  }

  /** True once the batch is settled (accepted, or refused for good); false if closed first. */
  private async deliver(batch: Batch): Promise<boolean> {
    const body = batch.chunks;
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.transport.send(batch.target, body);
        this.stats.pointsAccepted += batch.count;
        this.stats.batchesAccepted++;
        this.stats.lastAcceptedMs = Date.now();
        if (batch.origins.length > 0) this.options.onAccepted?.(batch.origins, this.stats.lastAcceptedMs);
        return true;
      } catch (e) {
        const error = e instanceof WriteError ? e : new WriteError('unreachable', String(e), true);
        this.stats.lastError = `${error.code}: ${error.message}`;
        this.options.onError?.(error, attempt);
        if (!error.retryable) {
          this.stats.pointsRejected += batch.count;
          return true;
        }
        this.stats.writeErrors++;
        await delay(backoffMs(attempt, this.options.maxBackoffMs));
      }
    }
    return false;
  }

  private finish(batch: Batch): void {
    this.queuedLines -= batch.count;
    this.unfinished.delete(batch.id);
    this.waiters = this.waiters.filter((w) => {
      if (this.hasUnfinishedUpTo(w.upTo)) return true;
      w.resolve();
      return false;
    });
  }

  // flush() sealed every batch that existed, so ids up to `upTo` are all queued or in flight.
  private hasUnfinishedUpTo(upTo: number): boolean {
    for (const id of this.unfinished) if (id <= upTo) return true;
    return false;
  }
}

/** Exponential from 100 ms, capped, with jitter so replicas do not retry in step. */
export function backoffMs(attempt: number, maxMs: number): number {
  const base = Math.min(maxMs, 100 * 2 ** Math.min(attempt - 1, 16));
  return base / 2 + Math.random() * (base / 2);
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
