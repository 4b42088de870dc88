// GET /metrics/rates?window=1m|5m|15m|1h&model_version=*: FPR and detection (overall and per method)
// over the last window, each with its counts and 95% Wilson interval (rate-evidence.ts), summed
// from the 10 s `window` points: a rate without its n says nothing.
// GET /metrics/windows?granularity=10s|1m&minutes=1..60&model_version=*: the recent windows of a
// scope, oldest first, so the live page opens with history instead of empty charts.
import { STARLIGHT_TARGETS } from '../alerts/rules.ts';
import { ALL, MEASUREMENTS, methodField } from '../../schemas/measurements.ts';
import { InfluxQL, quote, type Row } from '../sinks/influxql.ts';
import { rateWithEvidence } from './rate-evidence.ts';
import type { Reply, RouteContext } from './route.ts';
import { HISTORY_GRANULARITIES, RATE_WINDOWS, type RatesQuery, type WindowsQuery } from './route-schemas.ts';
import { METHODS } from './stats.ts';

export { HISTORY_GRANULARITIES, RATE_WINDOWS };

export async function rates(ctx: RouteContext<RatesQuery>): Promise<Reply> {
  const { window } = ctx.query;
  const model = ctx.query.model_version ?? ALL;
  const q = `SELECT * FROM "${MEASUREMENTS.window}" WHERE "granularity" = '10s' AND "agent" = ${quote(ALL)} AND "model_version" = ${quote(model)} AND time > now() - ${window}`;
  const body = await ctx.counters.queries.get(q, async () => {
    const [series] = await ctx.deps.influx.query(q);
    return { window, model_version: model, ...ratesOf(InfluxQL.rows(series ?? [])) };
  });
  return { status: 200, body };
}

/** Sums the windows' counts; detection hits are rate x n per window (the window keeps both). */
export function ratesOf(rows: Row[]) {
  const t = STARLIGHT_TARGETS;
  const sum = (f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const n = (r: Row, field: string): number => (typeof r[field] === 'number' ? (r[field] as number) : 0);
  const byMethod = Object.fromEntries(
    METHODS.map((m) => {
      const f = `det_${methodField(m)}`;
      const counts = { hits: Math.round(sum((r) => n(r, f) * n(r, `${f}_n`))), n: sum((r) => n(r, `${f}_n`)) };
      return [m, rateWithEvidence(counts, t.detectionMin, false)];
    }),
  );
  return {
    windows: rows.length,
    fpr: rateWithEvidence({ hits: sum((r) => n(r, 'fp')), n: sum((r) => n(r, 'clean_labelled')) }, t.fprMax, true),
    detection: rateWithEvidence({ hits: sum((r) => n(r, 'tp')), n: sum((r) => n(r, 'stego_labelled')) }, t.detectionMin, false),
    detection_by_method: byMethod,
  };
}

export async function recentWindows(ctx: RouteContext<WindowsQuery>): Promise<Reply> {
  const { granularity, minutes } = ctx.query;
  const model = ctx.query.model_version ?? ALL;
  const q = `SELECT * FROM "${MEASUREMENTS.window}" WHERE "granularity" = ${quote(granularity)} AND "agent" = ${quote(ALL)} AND "model_version" = ${quote(model)} AND time > now() - ${minutes}m`;
  const body = await ctx.counters.queries.get(q, async () => {
    const [series] = await ctx.deps.influx.query(q);
    const step = granularity === '10s' ? 10_000 : 60_000;
    const windows = InfluxQL.rows(series ?? [])
      .map((r) => ({ start: Number(r.time), end: Number(r.time) + step, fields: numericFields(r) }))
      .sort((a, b) => a.start - b.start);
    return { granularity, model_version: model, windows };
  });
  return { status: 200, body };
}

function numericFields(r: Row): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'time' && typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

