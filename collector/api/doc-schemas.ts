// Pieces the routes' schemas share (collector/api/route-schemas.ts): the error body, the summary
// of /metrics/stats, an alert, and helpers that shape a documented response for @fastify/swagger.
import { Type, type TSchema } from '@sinclair/typebox';
import { METHODS } from '../../v4/contract.ts';

export const ApiErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    reasons: Type.Optional(Type.Array(Type.String())),
  }),
});

export const Nullable = (t: TSchema) => Type.Union([t, Type.Null()]);
const byMethod = Type.Object(Object.fromEntries(METHODS.map((m) => [m, Nullable(Type.Number())])));

export const Summary = Type.Object({
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

export const Alert = Type.Object({
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

export const Dependency = Type.Object({
  ok: Type.Boolean(),
  latency_ms: Type.Number(),
  error: Type.Optional(Type.String()),
});

export const Rate = Type.Object({
  hits: Type.Integer(),
  n: Type.Integer(),
  rate: Nullable(Type.Number({ description: 'null with no samples' })),
  lower: Type.Number({ description: '95% Wilson interval, lower bound' }),
  upper: Type.Number(),
  target: Type.Number(),
  min_samples_for_target: Type.Integer({ description: 'samples with no hit needed to show the target is met' }),
  evidence: Type.Union([Type.Literal('breach'), Type.Literal('met'), Type.Literal('not_enough')]),
});

export const Silence = Type.Object({
  id: Type.String(),
  matchers: Type.Record(Type.String(), Type.String(), { description: 'rule, key, severity, family, scope; a trailing * matches by prefix' }),
  created_at: Type.String({ format: 'date-time' }),
  ends_at: Type.String({ format: 'date-time' }),
  comment: Type.String(),
});

/** A documented response with a JSON body. */
export const answer = (description: string, schema: TSchema) => ({ description, content: { 'application/json': { schema } } });
/** A documented refusal: the typed error body. */
export const failure = (description: string) => answer(description, ApiErrorBody);
export const unauthorized = failure('missing or wrong token');
export const influxFailures = { '502': failure('InfluxDB refused the query'), '503': failure('InfluxDB unreachable') };
/** `model_version` of the query: default all versions. */
export const ModelVersion = Type.String({ maxLength: 64, description: 'default: all versions (*)' });
