// Silences through the API: GET /alerts/silences lists the active ones, POST /alerts/silences/add
// takes {"matchers": {"rule": "fpr_regression"}, "for": "2h", "comment": "..."}, POST
// /alerts/silences/expire takes {"id": "..."}. The collector's analysis stage holds them (and keeps
// them across restarts); without it (an API on its own) these answer 503.
import { SilenceError } from '../alerts/silences.ts';
import type { SilenceControl } from '../analysis/start-analysis.ts';
import { parseDuration } from '../alerts/duration.ts';
import { ApiError } from './http.ts';
import type { Reply, RouteContext } from './route.ts';
import type { AddSilenceBody, ExpireSilenceBody } from './route-schemas.ts';

export async function listSilences(ctx: RouteContext): Promise<Reply> {
  return { status: 200, body: { silences: control(ctx).list().map(shown) } };
}

export async function addSilence(ctx: RouteContext<unknown, AddSilenceBody>): Promise<Reply> {
  const silences = control(ctx);
  const { matchers, comment } = ctx.body;
  const duration = parseDuration(ctx.body.for);
  if (duration === null) throw new ApiError(400, 'silence_invalid', '"for" is a duration such as 30m, 2h or 1d');
  return { status: 200, body: { silence: shown(typed(() => silences.add({ matchers, durationMs: duration, comment }))) } };
}

export async function expireSilence(ctx: RouteContext<unknown, ExpireSilenceBody>): Promise<Reply> {
  const silences = control(ctx);
  const { id } = ctx.body;
  return { status: 200, body: { silence: shown(typed(() => silences.expire(id))) } };
}

function control(ctx: RouteContext<unknown, unknown>): SilenceControl {
  if (!ctx.deps.silences) throw new ApiError(503, 'silences_unavailable', 'this API runs without the analysis stage');
  return ctx.deps.silences;
}

function typed<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SilenceError) throw new ApiError(e.code === 'silence_not_found' ? 404 : e.code === 'silence_limit' ? 409 : 400, e.code, e.message);
    throw e;
  }
}

function shown(s: { id: string; matchers: object; createdAt: number; endsAt: number; comment: string }) {
  return { id: s.id, matchers: s.matchers, created_at: new Date(s.createdAt).toISOString(), ends_at: new Date(s.endsAt).toISOString(), comment: s.comment };
}
