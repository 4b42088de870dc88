// GET /metrics/rates?window=1m|5m|15m|1h&model_version=*: FPR and detection (overall and per method)
// over the last window, each with its counts and 95% Wilson interval (rate-evidence.ts), summed
// from the 10 s `window` points: a rate without its n says nothing.
// GET /metrics/windows?granularity=10s|1m&minutes=1..60&model_version=*: the recent windows of a
// scope, oldest first, so the live page opens with history instead of empty charts.
import { STARLIGHT_TARGETS } from '../alerts/rules.ts';
import { ALL, MEASUREMENTS, methodField } from '../../schemas/measurements.ts';
import { ApiError, intParam, oneOf } from './http.ts';
import { InfluxQL, quote, type Row } from '../sinks/influxql.ts';
import { rateWithEvidence } from './rate-evidence.ts';
import type { Reply, RouteContext } from './route.ts';
import { METHODS } from './stats.ts';

export const RATE_WINDOWS = ['1m', '5m', '15m', '1h'] as const;
export const HISTORY_GRANULARITIES = ['10s', '1m'] as const;

export async function rates(ctx: RouteContext): Promise<Reply> {
  const params = ctx.url.searchParams;
  const window = oneOf(params, 'window', RATE_WINDOWS, '1m');
  const model = modelParam(params);
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

export async function recentWindows(ctx: RouteContext): Promise<Reply> {
  const params = ctx.url.searchParams;
  const granularity = oneOf(params, 'granularity', HISTORY_GRANULARITIES, '10s');
  const minutes = intParam(params, 'minutes', 1, 60, 15);
  const model = modelParam(params);
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

function modelParam(params: URLSearchParams): string {
  const model = params.get('model_version') || ALL;
  if (model.length > 64) throw new ApiError(400, 'bad_query', 'model_version is at most 64 characters');
  return model;
}
