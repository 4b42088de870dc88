// GET /labels/summary?since=24h&model_version=*: how much of the traffic has a ground truth
// (coverage, from the 1 min windows, which late labels rewrite) and how late the late labels came
// (from the `late_label` points, per source). The FPR and detection figures rest on both.
import { ALL, MEASUREMENTS } from '../../schemas/measurements.ts';
import { durationMs } from '../sinks/duration.ts';
import { InfluxQL, quote, type Row, type Series } from '../sinks/influxql.ts';
import { ApiError } from './http.ts';
import type { Reply, RouteContext } from './route.ts';
import type { LabelSummaryQuery } from './route-schemas.ts';

const VERSION = /^[^\s'"\\]{1,64}$/;
/** Longest period asked for: the raw events a label needs are kept 7 days by default. */
const MAX_SINCE_MS = 400 * 86_400_000;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const orNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function labelSummary(ctx: RouteContext<LabelSummaryQuery>): Promise<Reply> {
  const modelVersion = ctx.query.model_version || ALL;
  if (!VERSION.test(modelVersion)) throw new ApiError(400, 'bad_query', 'model_version is 1-64 characters, no quotes or spaces');
  let sinceMs: number;
  try {
    sinceMs = durationMs(ctx.query.since);
  } catch {
    throw new ApiError(400, 'bad_query', 'since is a duration such as 2h or 30m');
  }
  if (!(sinceMs > 0) || sinceMs > MAX_SINCE_MS) throw new ApiError(400, 'bad_query', 'since is between 1s and 400d');
  const range = `time > now() - ${Math.round(sinceMs)}ms`;
  const q =
    `SELECT sum("scored") AS "scored", sum("clean_labelled") AS "clean", sum("stego_labelled") AS "stego" FROM "${MEASUREMENTS.window}" ` +
    `WHERE "granularity" = '1m' AND "agent" = ${quote(ALL)} AND "model_version" = ${quote(modelVersion)} AND ${range}; ` +
    `SELECT count("delay_s") AS "labels", percentile("delay_s", 50) AS "p50", percentile("delay_s", 95) AS "p95", max("delay_s") AS "max" FROM "${MEASUREMENTS.lateLabel}" WHERE ${range} GROUP BY "source"`;
  const body = await ctx.counters.queries.get(q, async () => {
    const [windows, late] = await ctx.deps.influx.query(q);
    return { since: ctx.query.since, model_version: modelVersion, coverage: coverageOf(InfluxQL.rows(windows ?? [])[0]), late_labels: (late ?? []).map(bySource) };
  });
  return { status: 200, body };
}

/** Scored requests and those with a label; `share` null with nothing scored. */
function coverageOf(row: Row | undefined) {
  const scored = num(row?.scored);
  const clean = num(row?.clean);
  const stego = num(row?.stego);
  return { scored, labelled_clean: clean, labelled_stego: stego, share: scored > 0 ? (clean + stego) / scored : null };
}

function bySource(series: Series) {
  const row = InfluxQL.rows([series])[0];
  // The late_label points of this collector do not carry the event's model version: board-wide.
  return { source: series.tags?.source ?? '', labels: num(row?.labels), delay_s: { p50: orNull(row?.p50), p95: orNull(row?.p95), max: orNull(row?.max) } };
}
