// GET /models/versions: the model versions seen, with their events over the last 7 days and when
// each was last seen (from the 1-minute overall-agent `window` points).
import { ALL, MEASUREMENTS } from '../../schemas/measurements.ts';
import { InfluxQL, quote } from '../sinks/influxql.ts';
import type { Reply, RouteContext } from './route.ts';

export async function modelVersions(ctx: RouteContext): Promise<Reply> {
  const from = `FROM "${MEASUREMENTS.window}" WHERE "granularity" = '1m' AND "agent" = ${quote(ALL)} AND "model_version" != ${quote(ALL)}`;
  const q =
    `SELECT sum("count") AS events ${from} AND time > now() - 7d GROUP BY "model_version"; ` +
    `SELECT last("count") ${from} GROUP BY "model_version"`;
  const [week, last] = await ctx.counters.queries.get(q, () => ctx.deps.influx.query(q));
  const events = new Map(InfluxQL.rows(week ?? []).map((r) => [String(r.model_version), Number(r.events)]));
  const versions = InfluxQL.rows(last ?? [])
    .map((r) => ({
      model_version: String(r.model_version),
      last_seen: new Date(Number(r.time)).toISOString(),
      events_7d: events.get(String(r.model_version)) ?? 0,
    }))
    .sort((a, b) => b.last_seen.localeCompare(a.last_seen));
  return { status: 200, body: { versions } };
}
