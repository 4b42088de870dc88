// Crash recovery: which windows this replica already wrote, read back from InfluxDB.
//
// The points of one window (g, start) are one per key ((*,*), (version,*), (version,agent)) and
// may land in different write requests, so a kill -9 can leave a window written for some keys
// and not others. A window is complete when its (*,*) count equals the sum over versions and the
// sum over (version, agent) keys. The acks of the messages behind an incomplete window wait for
// a flush that never finished, so every one of them is redelivered: such windows are computed
// again, whole, and only complete windows count as closed.
import { GRANULARITIES, MEASUREMENTS, type Granularity } from '../../schemas/measurements.ts';
import type { CollectorConfig } from '../config.ts';
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

/**
 * Reads back which windows this replica already wrote (InfluxQL, so 1.x or a v1-compatible API):
 * those are never recomputed from messages redelivered after a crash, only newer ones are.
 * Throws when InfluxDB cannot be asked (the caller retries).
 */
export async function restoreClosedWindows(engine: WindowEngine, config: CollectorConfig, log: Logger): Promise<void> {
  for (const g of GRANULARITIES) {
    const latest = await latestStart(config, g);
    if (latest === undefined) continue;
    const points = await pointsSince(config, g, latest - LOOKBACK_WINDOWS * GRANULARITY_MS[g]);
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

async function latestStart(config: CollectorConfig, g: Granularity): Promise<number | undefined> {
  const [series] = await query(config, `SELECT last("count") FROM ${from(config)} WHERE "granularity" = '${g}' AND ${replicaIs(config)}`);
  return series?.values[0]?.[0] as number | undefined;
}

async function pointsSince(config: CollectorConfig, g: Granularity, sinceMs: number): Promise<WrittenPoint[]> {
  const series = await query(
    config,
    `SELECT "count" FROM ${from(config)} WHERE "granularity" = '${g}' AND ${replicaIs(config)} AND time >= ${sinceMs}ms GROUP BY "agent", "model_version"`,
  );
  return series.flatMap((s) =>
    s.values.map(([start, count]) => ({ start: start as number, count: count as number, agent: s.tags?.agent ?? '', model_version: s.tags?.model_version ?? '' })),
  );
}

const from = (config: CollectorConfig): string => `"${config.influx.rpWindows}"."${MEASUREMENTS.window}"`;
const replicaIs = (config: CollectorConfig): string => `"replica" = '${config.replica.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Series {
  tags?: Record<string, string>;
  values: unknown[][];
}

async function query(config: CollectorConfig, q: string): Promise<Series[]> {
  const i = config.influx;
  const auth = i.username ? { authorization: `Basic ${Buffer.from(`${i.username}:${i.password ?? ''}`).toString('base64')}` } : undefined;
  const res = await fetch(`${i.url}/query`, {
    method: 'POST',
    headers: auth,
    body: new URLSearchParams({ q, db: i.database, epoch: 'ms' }),
    signal: AbortSignal.timeout(i.timeoutMs),
  });
  if (!res.ok) throw new Error(`InfluxDB answered ${res.status} to a window read-back`);
  const body = (await res.json()) as { results?: { series?: Series[]; error?: string }[] };
  const error = body.results?.[0]?.error;
  if (error) throw new Error(`InfluxDB refused a window read-back: ${error}`);
  return body.results?.[0]?.series ?? [];
}
