// Crash recovery: which windows this replica already wrote, read back from InfluxDB.
//
// The points of one window (g, start) are one per key ((*,*), (version,*), (version,agent)) and
// may land in different write requests, so a kill -9 can leave a window written for some keys
// and not others. A window is complete when its (*,*) count equals the sum over versions and the
// sum over (version, agent) keys. The acks of the messages behind an incomplete window wait for
// a flush that never finished, so every one of them is redelivered: such windows are computed
// again, whole, and only complete windows count as closed.
import { GRANULARITIES, MEASUREMENTS, type Granularity } from '../../schemas/measurements.ts';
import { quote, quoteIdent, type InfluxQL } from '../sinks/influxql.ts';
import type { Logger } from '../log.ts';
import type { WindowEngine } from './engine.ts';
import { GRANULARITY_MS } from './window-result.ts';

/** Starts before the latest one read back: writes in flight at a crash span a few windows at most. */
const LOOKBACK_WINDOWS = 5;

export interface WrittenPoint {
  start: number;
  agent: string;
  model_version: string;
  count: number;
}

/** Where this replica's windows were written: the client, the windows retention policy, the replica. */
export interface WrittenWindows {
  influx: InfluxQL;
  rpWindows: string;
  replica: string;
}

/**
 * Reads back which windows this replica already wrote (InfluxQL, so 1.x or a v1-compatible API):
 * those are never recomputed from messages redelivered after a crash, only newer ones are.
 * Throws when InfluxDB cannot be asked (the caller retries).
 */
export async function restoreClosedWindows(engine: WindowEngine, source: WrittenWindows, log: Logger): Promise<void> {
  for (const g of GRANULARITIES) {
    const latest = await latestStart(source, g);
    if (latest === undefined) continue;
    const points = await pointsSince(source, g, latest - LOOKBACK_WINDOWS * GRANULARITY_MS[g]);
    const through = closedThrough(points, GRANULARITY_MS[g]);
    if (through === undefined) continue;
    engine.restoreClosed(g, through);
    log.info('windows_restored', { granularity: g, closed_through: new Date(through).toISOString(), latest_written: new Date(latest).toISOString() });
  }
}

/**
 * The last start up to which every window is complete: before the oldest incomplete one, or the
 * latest written when none is. Undefined when nothing recent is complete.
 */
export function closedThrough(points: readonly WrittenPoint[], sizeMs: number): number | undefined {
  const byStart = new Map<number, WrittenPoint[]>();
  for (const p of points) byStart.set(p.start, [...(byStart.get(p.start) ?? []), p]);
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const incomplete = starts.find((s) => !isComplete(byStart.get(s)!));
  if (incomplete !== undefined) return starts[0] === incomplete ? incomplete - sizeMs : starts[starts.indexOf(incomplete) - 1];
  return starts[starts.length - 1];
}

function isComplete(keys: readonly WrittenPoint[]): boolean {
  const total = keys.find((k) => k.agent === '*' && k.model_version === '*')?.count;
  if (total === undefined) return false;
  const perVersion = sum(keys.filter((k) => k.agent === '*' && k.model_version !== '*'));
  const perAgent = sum(keys.filter((k) => k.agent !== '*'));
  return perVersion === total && perAgent === total;
}

const sum = (keys: readonly WrittenPoint[]): number => keys.reduce((n, k) => n + k.count, 0);

async function latestStart(w: WrittenWindows, g: Granularity): Promise<number | undefined> {
  const [series] = await w.influx.series(`SELECT last("count") FROM ${from(w)} WHERE "granularity" = '${g}' AND "replica" = ${quote(w.replica)}`);
  return series?.values[0]?.[0] as number | undefined;
}

async function pointsSince(w: WrittenWindows, g: Granularity, sinceMs: number): Promise<WrittenPoint[]> {
  const series = await w.influx.series(
    `SELECT "count" FROM ${from(w)} WHERE "granularity" = '${g}' AND "replica" = ${quote(w.replica)} AND time >= ${sinceMs}ms GROUP BY "agent", "model_version"`,
  );
  return series.flatMap((s) =>
    s.values.map(([start, count]) => ({ start: start as number, count: count as number, agent: s.tags?.agent ?? '', model_version: s.tags?.model_version ?? '' })),
  );
}

const from = (w: WrittenWindows): string => `${quoteIdent(w.rpWindows)}.${quoteIdent(MEASUREMENTS.window)}`;
