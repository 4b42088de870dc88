// The OpenAPI 3 description of the HTTP API, served at /openapi.json. A test checks that every
// route in routes.ts is described here and that nothing else is.
import { Type, type TSchema } from '@sinclair/typebox';
import { InferenceEvent } from '../../schemas/inference-event.ts';
import { RATE_PATHS } from './rates-openapi.ts';
import { SILENCE_PATHS } from './silences-openapi.ts';
import { METHODS, STATS_GRANULARITIES, STATS_WINDOWS } from './stats.ts';

type Schema = TSchema | Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: Schema;
}

interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: Schema }>;
  content?: Record<string, { schema: Schema }>;
}

interface Operation {
  summary: string;
  description?: string;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<'get' | 'post', Operation>>>;
  components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, Schema> };
  security: Record<string, string[]>[];
}

const ApiErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    reasons: Type.Optional(Type.Array(Type.String())),
  }),
});

const Nullable = (t: TSchema) => Type.Union([t, Type.Null()]);
const byMethod = Type.Object(Object.fromEntries(METHODS.map((m) => [m, Nullable(Type.Number())])));

const Summary = Type.Object({
  count: Type.Number(),
  errors: Type.Number(),
  error_rate: Nullable(Type.Number()),
  rps: Type.Number(),
  latency_ms: Type.Object({
    p50: Nullable(Type.Number()),
    p95: Nullable(Type.Number()),
    p99: Nullable(Type.Number()),
    max: Nullable(Type.Number()),
  }),
  stego_rate: Nullable(Type.Number()),
  false_positive_rate: Nullable(Type.Number()),
  stego_rate_by_method: byMethod,
  detection_rate_by_method: byMethod,
});

const Alert = Type.Object({
  time: Type.String({ format: 'date-time' }),
  alert_id: Nullable(Type.String()),
  rule: Type.String(),
  severity: Type.String(),
  state: Type.String(),
  key: Type.String(),
  value: Nullable(Type.Number()),
  threshold: Nullable(Type.Number()),
  message: Nullable(Type.String()),
});

const Dependency = Type.Object({
  ok: Type.Boolean(),
  latency_ms: Type.Number(),
  error: Type.Optional(Type.String()),
});

const ref = (name: string) => Type.Unsafe<unknown>({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const errorRef = { $ref: '#/components/schemas/ApiError' };
const error = (description: string): Response => ({ description, content: json(errorRef) });
const unauthorized = error('missing or wrong token');

export const openApiDocument: OpenApiDocument = {
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
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
    },
    schemas: { ApiError: ApiErrorBody, InferenceEvent, Summary, Alert },
  },
  paths: {
    ...SILENCE_PATHS,
    ...RATE_PATHS,
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Up or down; with the read token also dependency reachability and basic rates',
        security: [],
        responses: {
          '200': {
            description: 'up, and NATS and InfluxDB answer (without the read token only `status`)',
            content: json(
              Type.Object({
                status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
                uptime_s: Type.Optional(Type.Number()),
                dependencies: Type.Optional(Type.Object({ nats: Dependency, influxdb: Dependency })),
                rates: Type.Optional(Type.Record(Type.String(), Type.Number())),
                live: Type.Optional(Nullable(Type.Record(Type.String(), Type.Number()))),
              }),
            ),
          },
          '503': { description: 'up, but NATS or InfluxDB does not answer (same body, status "degraded")' },
        },
      },
    },
    '/metrics/log': {
      post: {
        operationId: 'logEvent',
        summary: 'Log one InferenceEvent (v1); it is published to JetStream as a batch of one',
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/InferenceEvent' }) },
        responses: {
          '202': {
            description: 'accepted: stored in JetStream',
            content: json(
              Type.Object({
                accepted: Type.Literal(true),
                event_id: Type.String(),
                stream: Type.String(),
                stream_seq: Type.Integer(),
                duplicate: Type.Boolean({ description: 'true when this event id was already accepted' }),
              }),
            ),
          },
          '400': error('not JSON (bad_json) or not a v1 InferenceEvent (invalid_event, with reasons)'),
          '401': unauthorized,
          '403': error('the read token: injecting events needs the write token (forbidden)'),
          '413': error('body over the size limit'),
          '429': {
            ...error('over the rate limit (token bucket), or too many failed authentications (auth_rate_limited)'),
            headers: { 'retry-after': { description: 'seconds to wait', schema: Type.Integer() } },
          },
          '503': error('JetStream did not take the event'),
        },
      },
    },
    '/metrics/stats': {
      get: {
        operationId: 'stats',
        summary: 'Totals and a time series from the 1-minute windows in InfluxDB',
        description:
          'InfluxDB folds the 1-minute windows into buckets of `granularity`. Counts, error rate, ' +
          'false-positive rate and stego rate (from the stego/scored counts) are exact. Latency percentiles ' +
          'and per-method rates are the mean of the per-minute values in a bucket, count-weighted across ' +
          'buckets for the totals (approximate); the latency max is exact.',
        parameters: [
          { name: 'window', in: 'query', schema: { type: 'string', enum: [...STATS_WINDOWS], default: '1h' } },
          { name: 'granularity', in: 'query', schema: { type: 'string', enum: [...STATS_GRANULARITIES], default: '1m' } },
          { name: 'model_version', in: 'query', description: 'default: all versions', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'the summary and its series',
            content: json(
              Type.Object({
                window: Type.String(),
                granularity: Type.String(),
                model_version: Type.String(),
                totals: ref('Summary'),
                series: Type.Array(Type.Intersect([Type.Object({ time: Type.String() }), ref('Summary')])),
              }),
            ),
          },
          '400': error('bad query parameter'),
          '401': unauthorized,
          '502': error('InfluxDB refused the query'),
          '503': error('InfluxDB unreachable'),
        },
      },
    },
    '/alerts/recent': {
      get: {
        operationId: 'recentAlerts',
        summary: 'Recent alert state changes, newest first',
        parameters: [
          { name: 'severity', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
          {
            name: 'active_only',
            in: 'query',
            description: 'only the latest change of each alert whose state is not resolved',
            schema: { type: 'boolean', default: false },
          },
        ],
        responses: {
          '200': { description: 'alerts', content: json(Type.Object({ alerts: Type.Array(ref('Alert')) })) },
          '400': error('bad query parameter'),
          '401': unauthorized,
          '502': error('InfluxDB refused the query'),
          '503': error('InfluxDB unreachable'),
        },
      },
    },
    '/models/versions': {
      get: {
        operationId: 'modelVersions',
        summary: 'Model versions seen, with events over 7 days and last seen time',
        responses: {
          '200': {
            description: 'versions, most recently seen first',
            content: json(
              Type.Object({
                versions: Type.Array(
                  Type.Object({ model_version: Type.String(), last_seen: Type.String(), events_7d: Type.Number() }),
                ),
              }),
            ),
          },
          '401': unauthorized,
          '503': error('InfluxDB unreachable'),
        },
      },
    },
    '/labels': {
      post: {
        operationId: 'postLabels',
        summary: 'Late labels for stored events ({event_id or request_id, truth, method, source} or a list); the windows they fall in are recomputed',
        responses: {
          '200': { description: 'applied, unknown event ids, windows rewritten', content: json(Type.Object({ ok: Type.Boolean(), applied: Type.Number(), unknown: Type.Array(Type.String()) }, { additionalProperties: true })) },
          '400': error('not labels'),
          '401': unauthorized,
          '503': error('no collector took them'),
        },
      },
    },
    '/labels/summary': {
      get: {
        operationId: 'labelSummary',
        summary: 'Label coverage (scored requests with a ground truth, late labels included) and the delay of late labels per source',
        parameters: [
          { name: 'since', in: 'query', description: 'how far back, e.g. 2h', schema: { type: 'string', default: '24h' } },
          { name: 'model_version', in: 'query', description: 'a model version, or * for all', schema: { type: 'string', default: '*' } },
        ],
        responses: {
          '200': {
            description: 'coverage from the 1 min windows; late labels from the late_label points',
            content: json(
              Type.Object({
                since: Type.String(),
                model_version: Type.String(),
                coverage: Type.Object({ scored: Type.Number(), labelled_clean: Type.Number(), labelled_stego: Type.Number(), share: Nullable(Type.Number()) }),
                late_labels: Type.Array(Type.Object({ source: Type.String(), labels: Type.Number(), delay_s: Type.Object({ p50: Nullable(Type.Number()), p95: Nullable(Type.Number()), max: Nullable(Type.Number()) }) })),
              }),
            ),
          },
          '400': error('bad query parameter'),
          '401': unauthorized,
          '503': error('InfluxDB unreachable'),
        },
      },
    },
    '/rollout/compare': {
      get: {
        operationId: 'rolloutCompare',
        summary: 'A model rollout: baseline and candidate side by side over a period (agreement, method confusion, latency ratio, FPR and detection per method with Wilson intervals)',
        parameters: [
          { name: 'baseline', in: 'query', required: true, description: 'the primary model version', schema: { type: 'string' } },
          { name: 'candidate', in: 'query', required: true, description: 'the candidate model version', schema: { type: 'string' } },
          { name: 'since', in: 'query', description: 'how far back, e.g. 2h', schema: { type: 'string', default: '24h' } },
        ],
        responses: {
          '200': { description: 'the comparison (collector/rollout/summary.ts)', content: json(Type.Object({ baseline: Type.String(), candidate: Type.String(), windows: Type.Number(), span_ms: Type.Number(), pairs: Type.Number() }, { additionalProperties: true })) },
          '400': error('bad query parameter'),
          '401': unauthorized,
          '502': error('InfluxDB refused the query'),
          '503': error('InfluxDB unreachable'),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3 document' }, '401': unauthorized },
      },
    },
  },
};
