// POST /labels (write token): late labels for stored events, `{event_id, truth, method, source}`
// or a list of them. Handed to the collector on starwatch.v1.labels as a request, so the caller
// learns what was applied and which event ids are unknown (collector/labels).
import { LABELS_SUBJECT } from '../../schemas/subjects.ts';
import { ApiError } from './http.ts';
import type { Reply, RouteContext } from './route.ts';

const TIMEOUT_MS = 30_000;

export async function postLabels(ctx: RouteContext): Promise<Reply> {
  // The collector checks the labels; the API only passes the parsed JSON on.
  const answer = await ctx.deps.nats.request(LABELS_SUBJECT, JSON.stringify(ctx.body ?? null), { timeout: TIMEOUT_MS }).catch((e: Error) => {
    throw new ApiError(503, 'collector_unavailable', `no collector took the labels: ${e.message}`);
  });
  const reply = JSON.parse(new TextDecoder().decode(answer.data)) as { ok: boolean; code?: string; message?: string };
  if (!reply.ok) throw new ApiError(reply.code === 'apply_failed' ? 503 : 400, reply.code ?? 'invalid_labels', reply.message ?? 'refused');
  return { status: 200, body: reply };
}
