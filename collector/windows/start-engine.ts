// The window engine as a (re)started collector needs it: configured, held back while a crashed
// instance's messages come back, and told which windows are
// already written (closed-window marks in NATS KV for every sink; InfluxDB 1.x can also be read
// back, and either only raises them), so a restart never overwrites a complete window.
import type { NatsConnection } from 'nats';
import type { CollectorConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { InfluxQL } from '../sinks/influxql.ts';
import { openKvClosedMarks, restoreClosedMarks, type ClosedMarksStore } from './closed-marks.ts';
import { WindowEngine } from './engine.ts';
import { restoreClosedWindows } from './restore.ts';

export interface EngineStartDeps {
  config: Pick<CollectorConfig, 'windows' | 'replica' | 'alerts' | 'cluster' | 'nats' | 'influx'>;
  nc: NatsConnection;
  influxQL: InfluxQL;
  /** Messages the durable consumer held unacked when this instance started. */
  pendingAtStart: number;
  ackWaitMs: number;
  /** Runs a start-up step until it succeeds (collector/until-done.ts): stores may be away. */
  step: <T>(what: string, attempt: () => Promise<T>) => Promise<T>;
  log: Logger;
}

export async function startWindowEngine(d: EngineStartDeps): Promise<{ engine: WindowEngine; marks?: ClosedMarksStore }> {
  const { config, step, log } = d;
  const engine = new WindowEngine({
    allowedLatenessMs: config.windows.allowedLatenessMs,
    idleGraceMs: config.windows.idleGraceMs,
    replica: config.replica,
    slowMs: config.alerts.latencyP95MaxMs,
    reopenLate: config.cluster.enabled,
    rewriteHorizonMs: config.windows.rewriteHorizonMs,
  });
  holdForRedelivery(engine, d.pendingAtStart, d.ackWaitMs, log);
  const bucket = config.nats.closedWindowsBucket;
  const marks = bucket ? await step('nats (closed-window marks)', () => openKvClosedMarks(d.nc, bucket, config.replica)) : undefined;
  if (marks) await step('nats (closed-window marks read-back)', () => restoreClosedMarks(marks, engine, log));
  if (config.influx.version === 1)
    await step('influxdb (window read-back)', () => restoreClosedWindows(engine, { influx: d.influxQL, rpWindows: config.influx.rpWindows, replica: config.replica }, log));
  return { engine, marks };
}

/**
 * Messages already pending on the consumer at start were delivered to an instance that is gone
 * (crashed), and so may be up to a pull batch more (its pull request outlives it by a moment):
 * they come back once their ack wait runs out. Every window stays open until the consumer's
 * pending count is all ours (or, with other replicas holding theirs, three ack waits).
 */
function holdForRedelivery(engine: WindowEngine, pendingAtStart: number, ackWaitMs: number, log: Logger): void {
  if (pendingAtStart <= 0) return;
  engine.suspendUntil(Date.now() + 3 * ackWaitMs);
  log.info('recovering', { pending_at_start: pendingAtStart, windows_open_for_ms: 3 * ackWaitMs });
}
