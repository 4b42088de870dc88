// The one interface every InfluxDB writer sits behind. The collector, the detectors and the
// alert rules write points through it; only `flush` says when they are safely stored.
import type { RetentionTarget } from '../../schemas/measurements.ts';
import type { Point } from './point.ts';

export interface PointSink {
  /** Queues points (sent in batches, in the background). Never throws for a busy or down server. */
  write(points: readonly Point[]): void;
  /** Like write, for lines already in line protocol (the per-event hot path), with their origins (ms). */
  writeLines(target: RetentionTarget, lines: readonly string[], originsMs?: readonly number[]): void;
  /** Resolves once every point written before this call has been accepted by the server. */
  flush(): Promise<void>;
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
}

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
