// ValidationSummary v1: one point of the `validation` measurement as `starwatch validate --publish`
// sends it on VALIDATION_SUBJECT (validate/summary-points.ts builds it; the collector checks it
// against this and writes it). The field table is the one source of the fields' names and types:
// the schema, the collector's integer fields and the Grafana contract all read it.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { METHODS, methodField, VALIDATION_KINDS } from './measurements.ts';

export type ValidationFieldType = 'float' | 'int' | 'bool' | 'string';

/** Every field a `validation` point may carry (kind=run and kind=ablation together). */
export const VALIDATION_FIELDS: Readonly<Record<string, ValidationFieldType>> = {
  run_id: 'string',
  model_id: 'string',
  model_sha256: 'string',
  images: 'int',
  evaluated: 'int',
  errors: 'int',
  violations: 'int',
  accuracy: 'float',
  fpr: 'float',
  detection: 'float',
  ...Object.fromEntries(METHODS.map((m) => [`det_${methodField(m)}`, 'float' as const])),
  method_acc: 'float',
  bit_order_acc: 'float',
  latency_p50: 'float',
  latency_p95: 'float',
  latency_p99: 'float',
  throughput: 'float',
  peak_rss_mb: 'float',
  method_entropy: 'float',
  clean_share: 'float',
  passed: 'bool',
  // kind=ablation
  delta_fpr: 'float',
  delta_detection: 'float',
  mean_abs_prob_change: 'float',
  impact: 'float',
  flipped: 'int',
  rank: 'int',
};

const FIELD_SCHEMA: Record<ValidationFieldType, () => TSchema> = {
  float: () => Type.Number(),
  int: () => Type.Integer({ minimum: 0 }),
  bool: () => Type.Boolean(),
  string: () => Type.String({ minLength: 1, maxLength: 128 }),
};

const Tag = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const ValidationSummary = Type.Object(
  {
    measurement: Type.Literal('validation'),
    tags: Type.Object(
      {
        model_version: Tag(64),
        dataset: Tag(128),
        kind: Type.Union(VALIDATION_KINDS.map((k) => Type.Literal(k))),
        /** The zeroed stream of an ablation point; `none` on a run point. */
        stream: Tag(64),
      },
      { additionalProperties: false },
    ),
    fields: Type.Object(
      {
        ...Object.fromEntries(Object.entries(VALIDATION_FIELDS).map(([name, type]) => [name, Type.Optional(FIELD_SCHEMA[type]())])),
        run_id: FIELD_SCHEMA.string(),
      },
      { additionalProperties: false },
    ),
    /** Nanoseconds since the epoch (end of the run), as a decimal string (it exceeds 2^53). */
    ts_ns: Type.String({ pattern: '^[0-9]{1,20}$' }),
    /**
     * Which fields are integers, for writers that make line protocol themselves. The collector
     * types fields by VALIDATION_FIELDS instead, so a field's InfluxDB type never depends on a sender.
     */
    int_fields: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
  },
  { additionalProperties: false },
);
export type ValidationSummary = Static<typeof ValidationSummary>;
