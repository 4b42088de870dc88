// GET /rollout/compare?baseline=V&candidate=V[&since=2h]: the rollout comparison of a
// primary/candidate pair over a period, read from the `rollout` points (collector/rollout).
import { readComparison } from '../rollout/read-comparison.ts';
import { comparisonSummary } from '../rollout/summary.ts';
import { durationMs } from '../sinks/duration.ts';
import { ApiError } from './http.ts';
import type { Reply, RouteContext } from './route.ts';
import type { RolloutQuery } from './route-schemas.ts';

const VERSION = /^[^\s'"\\]{1,64}$/;

export async function rolloutCompare(ctx: RouteContext<RolloutQuery>): Promise<Reply> {
  const { baseline = '', candidate = '' } = ctx.query;
  if (!VERSION.test(baseline) || !VERSION.test(candidate)) throw new ApiError(400, 'bad_request', 'give baseline and candidate model versions (1-64 characters, no quotes or spaces)');
  let since: number;
  try {
    since = Date.now() - durationMs(ctx.query.since);
  } catch {
    throw new ApiError(400, 'bad_request', 'since is a duration such as 2h or 30m');
  }
  const stored = await readComparison((q) => ctx.deps.influx.query(q), baseline, candidate, since);
  return { status: 200, body: comparisonSummary(stored.total, stored.spanMs, stored.windows) };
}
