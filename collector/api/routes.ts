// Every API route, in one table: server.ts hands each to Fastify with its schema
// (route-schemas.ts), which checks the request and becomes its part of /openapi.json.
import { recentAlerts } from './alerts.ts';
import { health } from './health.ts';
import { logEvent } from './log-event.ts';
import { modelVersions } from './models.ts';
import { rates, recentWindows } from './rates.ts';
import { addSilence, expireSilence, listSilences } from './silences.ts';
import type { Route, RouteContext } from './route.ts';
import { SCHEMAS } from './route-schemas.ts';
import { stats } from './stats.ts';
import { rolloutCompare } from './rollout.ts';
import { postLabels } from './labels.ts';
import { labelSummary } from './label-summary.ts';

const silenceInvalid = { code: 'silence_invalid', message: 'not a silence request' };

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', auth: false, handle: health },
  { method: 'POST', path: '/metrics/log', auth: true, scope: 'write', handle: logEvent, invalidBody: { code: 'invalid_event', message: 'not a v1 InferenceEvent' } },
  { method: 'GET', path: '/metrics/stats', auth: true, handle: stats },
  { method: 'GET', path: '/metrics/rates', auth: true, handle: rates },
  { method: 'GET', path: '/metrics/windows', auth: true, handle: recentWindows },
  { method: 'GET', path: '/alerts/recent', auth: true, handle: recentAlerts },
  { method: 'GET', path: '/alerts/silences', auth: true, handle: listSilences },
  // Silencing hides alerts from people: a change, so the write token, not the read one.
  { method: 'POST', path: '/alerts/silences/add', auth: true, scope: 'write', handle: addSilence, invalidBody: silenceInvalid },
  { method: 'POST', path: '/alerts/silences/expire', auth: true, scope: 'write', handle: expireSilence, invalidBody: silenceInvalid },
  { method: 'GET', path: '/models/versions', auth: true, handle: modelVersions },
  // Labels change stored figures: the write token.
  { method: 'POST', path: '/labels', auth: true, scope: 'write', handle: postLabels },
  { method: 'GET', path: '/labels/summary', auth: true, handle: labelSummary },
  { method: 'GET', path: '/rollout/compare', auth: true, handle: rolloutCompare },
  { method: 'GET', path: '/openapi.json', auth: true, handle: async (ctx: RouteContext) => ({ status: 200, body: ctx.openapi() }) },
].map((r) => ({ ...r, schema: SCHEMAS[r.path] })) as Route[];
