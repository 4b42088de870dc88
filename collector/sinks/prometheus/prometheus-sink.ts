// Windows as Prometheus metrics, over remote write (protobuf + snappy, POST). Optional by default:
// acks never wait for it, and while Prometheus is away or slow its queue is bounded (the oldest
// series are dropped, counted) instead of growing. One request in flight keeps each series in time
// order, which Prometheus requires; an answer of 4xx (out of order, too old, bad labels) drops that
// request (counted as rejected), 5xx and network errors are retried with backoff.
import type { Granularity } from '../../../schemas/measurements.ts';
import type { InferenceEvent } from '../../../schemas/inference-event.ts';
import { backoffMs } from '../../backoff.ts';
import type { WindowResult } from '../../windows/window-result.ts';
import { GRANULARITY_MS } from '../../windows/window-result.ts';
import { postParts } from '../http-post.ts';
import type { Point } from '../point.ts';
import { WriteError, emptyStats, type PointSink, type SinkStats } from '../sink.ts';
import { SlowestEvents } from './slowest-events.ts';
import { windowSeries } from './window-series.ts';
import { writeRequestBody, type TimeSeries } from './write-request.ts';
import { within } from '../../within.ts';
import { setTimeout as delay } from 'node:timers/promises';

export interface PrometheusSinkOptions {
  /** The remote write endpoint, e.g. http://prometheus:9090/api/v1/write. */
  url: string;
  /** Window granularities written as metrics. */
  granularities: readonly Granularity[];
  /** Acks wait for it (and its queue is never cut) when true. */
  required: boolean;
  /** Series per request. */
  batchSeries: number;
  /** Series queued at most (optional sink): past it the oldest are dropped. */
  maxQueueSeries: number;
  flushIntervalMs: number;
  timeoutMs: number;
  maxBackoffMs: number;
  /** Exemplars (the slowest event of each window on its max latency). */
  exemplars: boolean;
  onError?: (error: WriteError, attempt: number) => void;
}

export class PrometheusSink implements PointSink {
  readonly name = 'prometheus';
  readonly required: boolean;
  readonly stats: SinkStats = emptyStats();
  private queue: TimeSeries[] = [];
  /** Series taken in so far, and series settled (sent, refused or dropped): flush compares them. */
  private taken = 0;
  private settled = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private sending = false;
  private closed = false;
  private readonly wanted: ReadonlySet<Granularity>;
  private readonly slowest: SlowestEvents | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly url: URL;

  constructor(private readonly o: PrometheusSinkOptions) {
    this.required = o.required;
    this.wanted = new Set(o.granularities);
    this.slowest = o.exemplars ? new SlowestEvents(o.granularities) : undefined;
    this.url = new URL(o.url);
    this.timer = setInterval(() => this.pump(), o.flushIntervalMs);
    this.timer.unref();
  }

  writeEvents(events: readonly InferenceEvent[], originsMs: readonly number[]): void {
    if (!this.slowest) return;
    for (let i = 0; i < events.length; i++) this.slowest.add(events[i], originsMs[i]);
  }

  writeWindow(window: WindowResult): void {
    if (!this.wanted.has(window.granularity)) return;
    const slowest = this.slowest?.take(window.granularity, window.start, window.agent, window.model_version);
    this.enqueue(windowSeries(window, slowest));
    // Windows close in order: what started well before this one has closed and been taken.
    this.slowest?.prune(window.granularity, window.start - 5 * GRANULARITY_MS[window.granularity]);
  }

  /** Anomalies, forecasts and alerts stay in InfluxDB (Grafana annotations read them there). */
  write(_points: readonly Point[]): void {}

  get backlog(): number {
    return this.queue.length;
  }

  flush(): Promise<void> {
    const upTo = this.taken;
    if (this.settled >= upTo) return Promise.resolve();
    this.pump();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  sendOpen(): void {
    this.pump();
  }

  async close(graceMs = 5000): Promise<void> {
    clearInterval(this.timer);
    await within(this.flush(), graceMs);
    this.closed = true;
  }

  private enqueue(series: TimeSeries[]): void {
    this.queue.push(...series);
    this.taken += series.length;
    if (!this.required && this.queue.length > this.o.maxQueueSeries) {
      const dropped = this.queue.length - this.o.maxQueueSeries;
      this.queue.splice(0, dropped);
      this.stats.pointsDropped += dropped;
      this.settle(dropped);
    }
    if (this.queue.length >= this.o.batchSeries) this.pump();
  }

  private pump(): void {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    void this.sendAll().finally(() => (this.sending = false));
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice(0, this.o.batchSeries);
      const delivered = await this.sendUntilSettled(batch);
      if (!delivered) return;
      // The queue may have been cut (oldest dropped) while sending: only what is still there goes.
      const still = this.queue.indexOf(batch[batch.length - 1]);
      this.queue.splice(0, still + 1);
      this.settle(still + 1);
    }
  }

  /** True once accepted or refused for good; false when closed first. */
  private async sendUntilSettled(batch: TimeSeries[]): Promise<boolean> {
    const body = writeRequestBody(batch);
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        const res = await postParts(this.url, [body], HEADERS, this.o.timeoutMs);
        if (res.status >= 200 && res.status < 300) {
          this.stats.pointsAccepted += batch.length;
          this.stats.batchesAccepted++;
          this.stats.lastAcceptedMs = Date.now();
          return true;
        }
        throw new WriteError(res.status >= 500 || res.status === 429 ? 'server_error' : 'rejected', `HTTP ${res.status}: ${res.text.slice(0, 300)}`, res.status >= 500 || res.status === 429);
      } catch (e) {
        const error = e instanceof WriteError ? e : new WriteError('unreachable', (e as Error).message, true);
        this.stats.lastError = `${error.code}: ${error.message}`;
        this.o.onError?.(error, attempt);
        if (!error.retryable) {
          this.stats.pointsRejected += batch.length;
          return true;
        }
        this.stats.writeErrors++;
        // An optional sink whose series were all dropped meanwhile stops retrying them.
        if (!this.required && !this.queue.includes(batch[batch.length - 1])) return true;
        await delay(backoffMs(attempt, this.o.maxBackoffMs));
      }
    }
    return false;
  }

  private settle(count: number): void {
    this.settled += count;
    this.waiters = this.waiters.filter((w) => {
      if (this.settled < w.upTo) return true;
      w.resolve();
      return false;
    });
  }
}

const HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};
