// GET /metrics/stats: totals and a time series over the last 1h..7d, from the 1-minute `window`
// points (schemas/measurements.ts). InfluxDB folds the minutes into buckets (GROUP BY time), so
// a 7-day query moves 168 rows, not 10080. Counts, error rate, false-positive rate and (when the
// `stego`/`scored` counts are there) stego rate are exact; latency percentiles and per-method
// rates are the mean of the per-minute values in a bucket, then count-weighted across buckets
// for the totals (an approximation: exact ones would mean merging every window's sketch); the
// latency max is exact.
import { ALL, MEASUREMENTS, methodField } from '../../schemas/measurements.ts';
import { METHODS } from '../../v4/contract.ts';
import { InfluxQL, quote, type Row } from '../sinks/influxql.ts';
import type { Reply, RouteContext } from './route.ts';
import { STATS_GRANULARITIES, STATS_WINDOWS, type StatsQuery } from './route-schemas.ts';

export { METHODS, STATS_GRANULARITIES, STATS_WINDOWS };

const SECONDS: Record<string, number> = { '1m': 60, '5m': 300, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800 };

const SUMS = ['count', 'errors', 'fp', 'clean_labelled', 'stego', 'scored', ...METHODS.map((m) => `det_${methodField(m)}_n`)];
const MEANS = [
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'stego_rate',
  ...METHODS.flatMap((m) => [`rate_${methodField(m)}`, `det_${methodField(m)}`]),
];
const SELECT = [
  ...SUMS.map((f) => `sum("${f}") AS "${f}"`),
  ...MEANS.map((f) => `mean("${f}") AS "${f}"`),
  `max("latency_max") AS "latency_max"`,
].join(', ');

export async function stats(ctx: RouteContext<StatsQuery>): Promise<Reply> {
  const { window, granularity } = ctx.query;
  const modelVersion = ctx.query.model_version ?? ALL;
  const q =
    `SELECT ${SELECT} FROM "${MEASUREMENTS.window}" ` +
    `WHERE "granularity" = '1m' AND "agent" = ${quote(ALL)} AND "model_version" = ${quote(modelVersion)} ` +
    `AND time > now() - ${window} GROUP BY time(${granularity}) fill(none)`;
  // The whole answer is shared, not just the query: folding and serialising it is the other cost.
  const body = await ctx.counters.queries.get(q, async () => {
    const [series] = await ctx.deps.influx.query(q);
    const rows = InfluxQL.rows(series ?? []).filter((r) => num(r.count) !== null);
    return {
      window,
      granularity,
      model_version: modelVersion,
      totals: combine(rows, SECONDS[window]),
      series: rows.map((r) => ({ time: new Date(Number(r.time)).toISOString(), ...combine([r], SECONDS[granularity]) })),
    };
  });
  return { status: 200, body };
}

/** Folds bucket rows into one summary; `seconds` is the span they cover, for the rate. */
export function combine(rows: Row[], seconds: number) {
  const count = sum(rows, 'count');
  const errors = sum(rows, 'errors');
  const fp = sum(rows, 'fp');
  const clean = sum(rows, 'clean_labelled');
  const scored = sum(rows, 'scored');
  return {
    count,
    errors,
    error_rate: ratio(errors, count),
    rps: seconds > 0 ? count / seconds : 0,
    latency_ms: {
      p50: weighted(rows, 'latency_p50', 'count'),
      p95: weighted(rows, 'latency_p95', 'count'),
      p99: weighted(rows, 'latency_p99', 'count'),
      max: rows.reduce<number | null>((m, r) => maxOf(m, r.latency_max), null),
    },
    stego_rate: scored > 0 ? sum(rows, 'stego') / scored : weighted(rows, 'stego_rate', 'count'),
    false_positive_rate: ratio(fp, clean),
    stego_rate_by_method: Object.fromEntries(METHODS.map((m) => [m, weighted(rows, `rate_${methodField(m)}`, 'count')])),
    detection_rate_by_method: Object.fromEntries(
      METHODS.map((m) => [m, weighted(rows, `det_${methodField(m)}`, `det_${methodField(m)}_n`)]),
    ),
  };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function sum(rows: Row[], field: string): number {
  let s = 0;
  for (const r of rows) s += num(r[field]) ?? 0;
  return s;
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/** Mean of `field` weighted by `weight`, over the rows that have both; null if none do. */
function weighted(rows: Row[], field: string, weight: string): number | null {
  let total = 0;
  let weights = 0;
  for (const r of rows) {
    const v = num(r[field]);
    const w = num(r[weight]);
    if (v === null || w === null || w <= 0) continue;
    total += v * w;
    weights += w;
  }
  return weights > 0 ? total / weights : null;
}

function maxOf(m: number | null, v: unknown): number | null {
  const n = num(v);
  if (n === null) return m;
  return m === null ? n : Math.max(m, n);
}
