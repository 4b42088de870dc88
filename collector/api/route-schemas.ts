// Each route's schema: Fastify checks the query and body against it, and @fastify/swagger builds
// /openapi.json from it, so what is checked and what is documented cannot drift apart.
import { CloneType, Type, type Static, type TProperties } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { InferenceEvent } from '../../schemas/inference-event.ts';
import { exampleEvent } from '../../schemas/example-event.ts';
import { Alert, answer, Dependency, failure, influxFailures, ModelVersion, Nullable, Rate, Silence, Summary, unauthorized } from './doc-schemas.ts';

export const STATS_WINDOWS = ['1h', '6h', '24h', '7d'] as const;
export const STATS_GRANULARITIES = ['1m', '5m', '1h'] as const;
export const RATE_WINDOWS = ['1m', '5m', '15m', '1h'] as const;
export const HISTORY_GRANULARITIES = ['10s', '1m'] as const;

/** A string enum (Ajv names the allowed values when it refuses one). */
const oneOf = <T extends string>(values: readonly T[], fallback: T, description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], default: fallback, description });
/** Query booleans: true/false or 1/0, as before Fastify. */
const Flag = (description: string) => oneOf(['true', 'false', '1', '0'], 'false', description);

/** A query: every parameter has a default or may be left out, so none is required of the client. */
function Query<P extends TProperties>(properties: P) {
  const schema = Type.Object(properties);
  delete (schema as { required?: string[] }).required;
  return schema;
}

export const StatsQuery = Query({
  window: oneOf(STATS_WINDOWS, '1h'),
  granularity: oneOf(STATS_GRANULARITIES, '1m'),
  model_version: Type.Optional(ModelVersion),
});
export const RatesQuery = Query({ window: oneOf(RATE_WINDOWS, '1m'), model_version: Type.Optional(ModelVersion) });
export const WindowsQuery = Query({
  granularity: oneOf(HISTORY_GRANULARITIES, '10s'),
  minutes: Type.Integer({ minimum: 1, maximum: 60, default: 15 }),
  model_version: Type.Optional(ModelVersion),
});
export const AlertsQuery = Query({
  severity: Type.Optional(Type.String({ pattern: '^[a-z]{1,16}$', description: 'a lower-case word (e.g. warning, critical)' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  active_only: Flag('only the latest change of each alert whose state is not resolved'),
});
export const RolloutQuery = Query({
  baseline: Type.Optional(Type.String({ description: 'the primary model version' })),
  candidate: Type.Optional(Type.String({ description: 'the candidate model version' })),
  since: Type.String({ default: '24h', description: 'how far back, e.g. 2h' }),
});
export const AddSilenceBody = Type.Object({
  matchers: Type.Record(Type.String(), Type.String()),
  for: Type.String({ examples: ['2h'] }),
  comment: Type.Optional(Type.String()),
});
export const ExpireSilenceBody = Type.Object({ id: Type.String() });

export type StatsQuery = Static<typeof StatsQuery>;
export type RatesQuery = Static<typeof RatesQuery>;
export type WindowsQuery = Static<typeof WindowsQuery>;
export type AlertsQuery = Static<typeof AlertsQuery>;
export type RolloutQuery = Static<typeof RolloutQuery>;
export const LabelSummaryQuery = Query({
  since: Type.String({ default: '24h', description: 'how far back, e.g. 2h (at most 400d)' }),
  model_version: Type.Optional(ModelVersion),
});
export type LabelSummaryQuery = Static<typeof LabelSummaryQuery>;
const LabelSummary = Type.Object({
  since: Type.String(),
  model_version: Type.String(),
  coverage: Type.Object({ scored: Type.Number(), labelled_clean: Type.Number(), labelled_stego: Type.Number(), share: Nullable(Type.Number()) }),
  late_labels: Type.Array(Type.Object({ source: Type.String(), labels: Type.Number(), delay_s: Type.Object({ p50: Nullable(Type.Number()), p95: Nullable(Type.Number()), max: Nullable(Type.Number()) }) })),
});
export type AddSilenceBody = Static<typeof AddSilenceBody>;
export type ExpireSilenceBody = Static<typeof ExpireSilenceBody>;

const Versions = Type.Object({ versions: Type.Array(Type.Object({ model_version: Type.String(), last_seen: Type.String(), events_7d: Type.Number() }, { additionalProperties: true })) });
const noSilences = failure('no analysis stage');

export const SCHEMAS: Record<string, FastifySchema> = {
  '/health': {
    operationId: 'health',
    summary: 'Up or down; with the read token also dependency reachability and basic rates',
    security: [],
    response: {
      '200': answer(
        'up, and NATS and InfluxDB answer (without the read token only `status`)',
        Type.Object({
          status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
          uptime_s: Type.Optional(Type.Number()),
          dependencies: Type.Optional(Type.Object({ nats: Dependency, influxdb: Dependency })),
          rates: Type.Optional(Type.Record(Type.String(), Type.Number())),
          live: Type.Optional(Nullable(Type.Record(Type.String(), Type.Number()))),
        }),
      ),
      '503': { description: 'up, but NATS or InfluxDB does not answer (same body, status "degraded")', type: 'null' },
    },
  },
  '/metrics/log': {
    operationId: 'logEvent',
    summary: 'Log one InferenceEvent (v1); it is published to JetStream as a batch of one',
    body: CloneType(InferenceEvent, { examples: [exampleEvent()] }),
    response: {
      '202': answer(
        'accepted: stored in JetStream',
        Type.Object({
          accepted: Type.Literal(true),
          event_id: Type.String(),
          stream: Type.String(),
          stream_seq: Type.Integer(),
          duplicate: Type.Boolean({ description: 'true when this event id was already accepted' }),
        }),
      ),
      '400': failure('not JSON (bad_json) or not a v1 InferenceEvent (invalid_event, with reasons)'),
      '401': unauthorized,
      '403': failure('the read token: injecting events needs the write token (forbidden)'),
      '413': failure('body over the size limit'),
      '429': { ...failure('over the rate limit, or too many failed authentications (auth_rate_limited)'), headers: { 'retry-after': { description: 'seconds to wait', type: 'integer' } } },
      '503': failure('JetStream did not take the event'),
    },
  },
  '/metrics/stats': {
    operationId: 'stats',
    summary: 'Totals and a time series from the 1-minute windows in InfluxDB',
    description:
      'InfluxDB folds the 1-minute windows into buckets of `granularity`. Counts, error rate, ' +
      'false-positive rate and stego rate (from the stego/scored counts) are exact. Latency percentiles ' +
      'and per-method rates are the mean of the per-minute values in a bucket, count-weighted across ' +
      'buckets for the totals (approximate); the latency max is exact.',
    querystring: StatsQuery,
    response: {
      '200': answer(
        'the summary and its series',
        Type.Object({
          window: Type.String(),
          granularity: Type.String(),
          model_version: Type.String(),
          totals: Summary,
          series: Type.Array(Type.Intersect([Type.Object({ time: Type.String() }), Summary])),
        }),
      ),
      '400': failure('bad query parameter'),
      '401': unauthorized,
      ...influxFailures,
    },
  },
  '/metrics/rates': {
    operationId: 'rates',
    summary: 'FPR and detection over the last window, with n and the 95% Wilson interval',
    querystring: RatesQuery,
    response: {
      '200': answer('rates', Type.Object({ window: Type.String(), model_version: Type.String(), windows: Type.Integer(), fpr: Rate, detection: Rate, detection_by_method: Type.Record(Type.String(), Rate) })),
      '400': failure('bad query parameter'),
      '401': unauthorized,
      ...influxFailures,
    },
  },
  '/metrics/windows': {
    operationId: 'recentWindows',
    summary: 'The recent windows of a scope (all agents), oldest first',
    querystring: WindowsQuery,
    response: {
      '200': answer('windows', Type.Object({ windows: Type.Array(Type.Object({}, { additionalProperties: true })) }, { additionalProperties: true })),
      '400': failure('bad query parameter'),
      '401': unauthorized,
      ...influxFailures,
    },
  },
  '/alerts/recent': {
    operationId: 'recentAlerts',
    summary: 'Recent alert state changes, newest first',
    querystring: AlertsQuery,
    response: { '200': answer('alerts', Type.Object({ alerts: Type.Array(Alert) })), '400': failure('bad query parameter'), '401': unauthorized, ...influxFailures },
  },
  '/alerts/silences': {
    operationId: 'listSilences',
    summary: 'Active silences, soonest to end first',
    response: { '200': answer('silences', Type.Object({ silences: Type.Array(Silence) })), '401': unauthorized, '503': noSilences },
  },
  '/alerts/silences/add': {
    operationId: 'addSilence',
    summary: 'Hold back notifications of matching alerts for a while',
    body: AddSilenceBody,
    response: {
      '200': answer('the silence', Type.Object({ silence: Silence })),
      '400': failure('bad matchers or duration'),
      '401': unauthorized,
      '409': failure('too many active silences (alerts.maxSilences)'),
      '503': noSilences,
    },
  },
  '/alerts/silences/expire': {
    operationId: 'expireSilence',
    summary: 'End a silence now',
    body: ExpireSilenceBody,
    response: { '200': answer('the expired silence', Type.Object({ silence: Silence })), '401': unauthorized, '404': failure('no such silence'), '503': noSilences },
  },
  '/models/versions': {
    operationId: 'modelVersions',
    summary: 'Model versions seen, with events over 7 days and last seen time',
    response: { '200': answer('versions, most recently seen first', Versions), '401': unauthorized, '503': failure('InfluxDB unreachable') },
  },
  '/labels': {
    operationId: 'postLabels',
    summary: 'Late labels for stored events ({event_id or request_id, truth, method, source} or a list); the windows they fall in are recomputed',
    response: {
      '200': answer('applied, unknown event ids, windows rewritten', Type.Object({ ok: Type.Boolean(), applied: Type.Number(), unknown: Type.Array(Type.String()) }, { additionalProperties: true })),
      '400': failure('not labels'),
      '401': unauthorized,
      '503': failure('no collector took them'),
    },
  },
  '/labels/summary': {
    operationId: 'labelSummary',
    summary: 'Label coverage (scored requests with a ground truth, late labels included) and the delay of late labels per source',
    querystring: LabelSummaryQuery,
    response: {
      '200': answer('coverage from the 1 min windows; late labels from the late_label points', LabelSummary),
      '400': failure('bad query parameter'),
      '401': unauthorized,
      ...influxFailures,
    },
  },
  '/rollout/compare': {
    operationId: 'rolloutCompare',
    summary: 'A model rollout: baseline and candidate side by side over a period (agreement, method confusion, latency ratio, FPR and detection per method with Wilson intervals)',
    querystring: RolloutQuery,
    response: {
      '200': answer('the comparison (collector/rollout/summary.ts)', Type.Object({ baseline: Type.String(), candidate: Type.String(), windows: Type.Number(), span_ms: Type.Number(), pairs: Type.Number() }, { additionalProperties: true })),
      '400': failure('bad query parameter'),
      '401': unauthorized,
      ...influxFailures,
    },
  },
  '/openapi.json': {
    operationId: 'openapi',
    summary: 'This document',
    response: { '200': { description: 'OpenAPI 3 document', type: 'null' }, '401': unauthorized },
  },
};
