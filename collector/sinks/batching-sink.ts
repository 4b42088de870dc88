// Batches lines per retention target and sends them with a few requests in flight, retrying
// with backoff until the server accepts them. Holding on (instead of dropping) is what lets the
// collector keep its ack promise: a NATS message is acked only after flush() says its points are in.
// A refused batch (400, 413) is split in halves until every line is either accepted or refused
// alone: nothing good is dropped with a bad neighbour, and each refused line is reported with
// the server's reason. Bodies stay under maxBodyBytes, so a proxy's body limit is never hit.
import { setTimeout as delay } from 'node:timers/promises';
import { retentionOf, type RetentionTarget } from '../../schemas/measurements.ts';
import { backoffMs } from '../backoff.ts';
import { formatLine } from './line-protocol.ts';
import type { Point } from './point.ts';
import { WriteError, emptyStats, type SinkStats } from './sink.ts';
import { within } from '../within.ts';

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
  /**
   * Targets whose batches go one at a time, in the order written (the other targets' batches go
   * beside them). For points written again over an earlier write of theirs: two batches in flight
   * can land in either order (or one can be retried after the other landed), leaving the older
   * value stored. InfluxSink orders `windows`, which late events and labels rewrite.
   */
  inOrder?: readonly RetentionTarget[];
  /** A partly filled batch is sent after this long, so a slow stream still lands quickly. */
  flushIntervalMs: number;
  maxBackoffMs: number;
  /** Largest request body; a batch is sealed before passing it (default: no bound). */
  maxBodyBytes?: number;
  /** Called with each line the server refused on its own, and its answer. */
  onRejected?: (target: RetentionTarget, line: string, reason: string) => void;
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
  /** Bytes in the chunks. */
  bytes: number;
  origins: number[];
}

/**
 * Sends of open batches because the stream is drained (sendOpen) come at least this far apart: a
 * collector that keeps up is drained after nearly every message, and a request a message would
 * cost influxd more than the points do.
 */
export const DRAINED_SEND_SPACING_MS = 50;

/** Line protocol in batches: the engine under the InfluxDB sinks (influx-sink.ts). */
export class BatchingSink {
  readonly stats: SinkStats = emptyStats();
  private open = new Map<RetentionTarget, Batch>();
  private queue: Batch[] = [];
  private unfinished = new Set<number>();
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private nextId = 1;
  private inFlight = 0;
  /** inOrder targets with a batch in flight. */
  private readonly busyInOrder = new Set<RetentionTarget>();
  private queuedLines = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  /** When the open batches were last sent, and the send sendOpen put off to keep its spacing. */
  private sealedAtMs = 0;
  private sendSoon: NodeJS.Timeout | undefined;

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

  /**
   * The lines go out together, in one batch (which may pass batchSize by less than their number),
   * unless they pass maxBodyBytes: then in runs that each fit.
   */
  writeLines(target: RetentionTarget, lines: readonly string[], originsMs?: readonly number[]): void {
    if (lines.length === 0) return;
    const chunk = Buffer.from(lines.join('\n') + '\n');
    if (chunk.length <= this.maxBody) {
      this.append(target, chunk, lines.length, originsMs ?? []);
      return;
    }
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const size = Buffer.byteLength(lines[i]) + 1;
      if (bytes + size > this.maxBody && i > start) {
        this.writeLines(target, lines.slice(start, i), originsMs?.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    const rest = lines.slice(start);
    this.append(target, Buffer.from(rest.join('\n') + '\n'), rest.length, originsMs?.slice(start) ?? []);
  }

  private add(target: RetentionTarget, line: string, originMs: number | undefined): void {
    this.append(target, Buffer.from(line + '\n'), 1, originMs === undefined ? [] : [originMs]);
  }

  /** Whole lines into the open batch, which is sealed first if they would take it past the bound. */
  private append(target: RetentionTarget, chunk: Buffer, count: number, originsMs: readonly number[]): void {
    let batch = this.openBatch(target);
    if (batch.count > 0 && batch.bytes + chunk.length > this.maxBody) {
      this.seal(target);
      batch = this.openBatch(target);
    }
    batch.chunks.push(chunk);
    batch.count += count;
    batch.bytes += chunk.length;
    for (let i = 0; i < originsMs.length; i++) batch.origins.push(originsMs[i]);
    this.queuedLines += count;
    if (batch.count >= this.options.batchSize || batch.bytes >= this.maxBody) this.seal(target);
  }

  private get maxBody(): number {
    return this.options.maxBodyBytes ?? Number.POSITIVE_INFINITY;
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

  /** The open batches go now, or DRAINED_SEND_SPACING_MS after they last went. */
  sendOpen(): void {
    const wait = this.sealedAtMs + DRAINED_SEND_SPACING_MS - Date.now();
    if (wait <= 0) return this.sealAll();
    this.sendSoon ??= setTimeout(() => {
      this.sendSoon = undefined;
      this.sealAll();
    }, wait);
  }

  async close(graceMs = 5000): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.sendSoon);
    await within(this.flush(), graceMs);
    this.closed = true;
  }

  private newBatch(target: RetentionTarget): Batch {
    const batch = { id: this.nextId++, target, chunks: [], count: 0, bytes: 0, origins: [] };
    this.unfinished.add(batch.id);
    return batch;
  }

  private sealAll(): void {
    this.sealedAtMs = Date.now();
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
    while (this.inFlight < this.options.maxInFlight) {
      // The first batch that may go: never one of an inOrder target whose last batch is still out.
      const next = this.queue.findIndex((b) => !this.busyInOrder.has(b.target));
      if (next === -1) return;
      const [batch] = this.queue.splice(next, 1);
      this.inFlight++;
      if (this.options.inOrder?.includes(batch.target)) this.busyInOrder.add(batch.target);
      void this.deliver(batch).then((done) => {
        this.inFlight--;
        this.busyInOrder.delete(batch.target);
        if (done) this.finish(batch);
        this.pump();
      });
    }
  }

  /** True once the batch is settled (every line accepted or refused alone); false if closed first. */
  private async deliver(batch: Batch): Promise<boolean> {
    const outcome = await this.sendUntilSettled(batch.target, batch.chunks, batch.count);
    if (outcome === 'accepted' && batch.origins.length > 0) this.options.onAccepted?.(batch.origins, this.stats.lastAcceptedMs);
    return outcome !== 'closed';
  }

  /** Sends a body until the server takes it; a refused body is split (see splitRefused). */
  private async sendUntilSettled(target: RetentionTarget, body: readonly Buffer[], count: number): Promise<'accepted' | 'split' | 'closed'> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.transport.send(target, body);
        this.stats.pointsAccepted += count;
        this.stats.batchesAccepted++;
        this.stats.lastAcceptedMs = Date.now();
        return 'accepted';
      } catch (e) {
        const error = e instanceof WriteError ? e : new WriteError('unreachable', String(e), true);
        this.stats.lastError = `${error.code}: ${error.message}`;
        this.options.onError?.(error, attempt);
        if (!error.retryable) return (await this.splitRefused(target, body, count, error)) ? 'split' : 'closed';
        this.stats.writeErrors++;
        await delay(backoffMs(attempt, this.options.maxBackoffMs));
      }
    }
    return 'closed';
  }

  /**
   * A body the server refused: one line is refused for good (reported with the server's answer);
   * more are split in halves and each half sent again, down to the lines at fault. Lines a
   * partial write already stored are written again: same series and time, the same point.
   */
  private async splitRefused(target: RetentionTarget, body: readonly Buffer[], count: number, error: WriteError): Promise<boolean> {
    if (count === 1) {
      this.stats.pointsRejected++;
      this.options.onRejected?.(target, Buffer.concat(body).toString('utf8').replace(/\n$/, ''), error.message);
      return true;
    }
    this.stats.batchesSplit++;
    const lines = splitLines(body);
    const half = lines.length >> 1;
    for (const part of [lines.slice(0, half), lines.slice(half)])
      if ((await this.sendUntilSettled(target, part, part.length)) === 'closed') return false;
    return true;
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

/** The lines of a body, each a Buffer ending in its newline (views, not copies). */
function splitLines(body: readonly Buffer[]): Buffer[] {
  const lines: Buffer[] = [];
  for (const chunk of body) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      lines.push(chunk.subarray(start, end + 1));
      start = end + 1;
    }
  }
  return lines;
}

