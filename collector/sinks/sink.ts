// The one interface every store sits behind (InfluxDB, Prometheus remote write, several at once
// through FanOutSink). Writers hand over typed data: raw events, closed windows, and other points
// (anomalies, forecasts, alerts, heartbeats...); each sink encodes them its own way (line protocol
// lives in the InfluxDB sink). Only `flush` says when they are safely stored.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { WindowResult } from '../windows/window-result.ts';
import type { Point } from './point.ts';

export interface PointSink {
  /** Names the sink in logs and metrics (e.g. `influxdb`, `prometheus`). */
  readonly name: string;
  /**
   * A required sink holds acks back until it has stored what a message produced; an optional one
   * never does (its failures are counted, and what it cannot keep up with is dropped, counted).
   */
  readonly required: boolean;
  /** The raw events (the per-event hot path), with their event times (ms). */
  writeEvents(events: readonly InferenceEvent[], originsMs: readonly number[]): void;
  /** One closed window of one key. */
  writeWindow(window: WindowResult): void;
  /** Other points (anomalies, forecasts, alerts, heartbeats...), by measurement. */
  write(points: readonly Point[]): void;
  /** Resolves once everything written before this call has been accepted by the store. */
  flush(): Promise<void>;
  /**
   * Sends what is batched now instead of at the next flush interval, without waiting: the stream
   * is drained, so nothing is coming to fill the batch and holding it only delays the points.
   */
  sendOpen(): void;
  /** Points queued or in flight, not yet accepted: the collector stops pulling when it is high. */
  readonly backlog: number;
  readonly stats: SinkStats;
  /** Flushes for at most `graceMs`, then stops retrying; unflushed points are dropped (unacked). */
  close(graceMs?: number): Promise<void>;
}

export interface SinkStats {
  pointsAccepted: number;
  batchesAccepted: number;
  /** Failed attempts (server down, 5xx, timeout); each is retried. */
  writeErrors: number;
  /** Points the server refused (4xx) on their own, each after its batch was split down to it. */
  pointsRejected: number;
  /** Batches split in two after a 400 or 413, to find the lines the server refuses. */
  batchesSplit: number;
  lastError: string | null;
  /** Time of the last accepted batch (ms), or 0. */
  lastAcceptedMs: number;
  /** Points an optional sink dropped because its queue was full (a required sink never drops). */
  pointsDropped: number;
}

export const emptyStats = (): SinkStats => ({
  pointsAccepted: 0,
  batchesAccepted: 0,
  writeErrors: 0,
  pointsRejected: 0,
  batchesSplit: 0,
  lastError: null,
  lastAcceptedMs: 0,
  pointsDropped: 0,
});

/** What a transport throws: `retryable` false means the same body would be refused again. */
export class WriteError extends Error {
  constructor(
    readonly code: 'unreachable' | 'server_error' | 'rejected' | 'too_large' | 'unauthorized',
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'WriteError';
  }
}
