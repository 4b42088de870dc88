// Crash recovery: which windows this replica already wrote, read back from InfluxDB.
import { GRANULARITIES, MEASUREMENTS } from '../../schemas/measurements.ts';
import type { CollectorConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { WindowEngine } from './engine.ts';

/**
 * Reads back which windows this replica already wrote (InfluxQL, so 1.x or a v1-compatible API):
 * those are never recomputed from messages redelivered after a crash, only newer ones are.
 */
export async function restoreClosedWindows(engine: WindowEngine, config: CollectorConfig, log: Logger): Promise<void> {
  const i = config.influx;
  for (const g of GRANULARITIES) {
    const q =
      `SELECT last("count") FROM "${i.rpWindows}"."${MEASUREMENTS.window}" WHERE "granularity" = '${g}' ` +
      `AND "agent" = '*' AND "model_version" = '*' AND "replica" = '${config.replica.replace(/'/g, "\\'")}'`;
    const auth = i.username ? { authorization: `Basic ${Buffer.from(`${i.username}:${i.password ?? ''}`).toString('base64')}` } : undefined;
    const res = await fetch(`${i.url}/query`, { method: 'POST', headers: auth, body: new URLSearchParams({ q, db: i.database, epoch: 'ms' }) });
    const body = (await res.json()) as { results?: { series?: { values: [number, number][] }[] }[] };
    const last = body.results?.[0]?.series?.[0]?.values[0]?.[0];
    if (last !== undefined) {
      engine.restoreClosed(g, last);
      log.info('windows_restored', { granularity: g, closed_through: new Date(last).toISOString() });
    }
  }
}
