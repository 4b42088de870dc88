// What /openapi.json says beside the routes: @fastify/swagger fills `paths` from each route's
// schema (route-schemas.ts); this is the title, the security scheme and the named schemas.
import { InferenceEvent } from '../../schemas/inference-event.ts';
import { Alert, ApiErrorBody, Summary } from './doc-schemas.ts';

export const OPENAPI_BASE = {
  openapi: '3.0.3',
  info: {
    title: 'Starwatch collector API',
    version: '1.0.0',
    description:
      'Monitoring API of the Starwatch collector. Every route but /health needs a token, as ' +
      '`Authorization: Bearer <token>` (any case): the read token (api.token) for GET routes and the ' +
      'feed, the write token (api.writeToken) for POST /metrics/log. Only the live feed, a WebSocket at ' +
      '/ws (collector/live/PROTOCOL.md), also takes `?token=<read token>`, checked before the upgrade. ' +
      'An address that keeps failing authentication gets 429 with Retry-After on every route. ' +
      '/health without the read token answers only {"status"}. The live page is at /live/. Answers read from InfluxDB ' +
      '(/metrics/stats, /alerts/recent, /models/versions) may be up to queryCacheMs (default 5 s) old.',
  },
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer' } },
    schemas: { ApiError: ApiErrorBody, InferenceEvent, Summary, Alert },
  },
};
