// The fields of an InferenceEvent, once. The event's TypeBox schema (inference-event.ts), the v2
// column layout and its encode/decode (event-columns.ts), the collector's fast checks
// (collector/consume/common-*.ts), the fields of the InfluxDB `inference` point
// (collector/points/) and the Grafana contract are all derived from this table, so adding a
// field is one entry here plus the code that fills it.
//
// Not in the table: the envelope every event has the same way (v, agent_id, model, label), which
// event-columns.ts carries per batch or as objects.
import { Type, type Static, type TNull, type TObject, type TOptional, type TSchema, type TUnion } from '@sinclair/typebox';
import { BIT_ORDERS, METHODS } from '../v4/contract.ts';
import type { InferenceEvent } from './inference-event.ts';

/** Largest integer InfluxDB stores (int64); JSON numbers above 2^53 are not exact anyway. */
export const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/** Longest X-Request-Id kept; the characters allowed are REQUEST_ID_PATTERN's. */
export const REQUEST_ID_MAX = 128;
/** Letters, digits and `_ . : -`: UUIDs, ULIDs and trace ids pass; nothing that needs quoting. */
export const REQUEST_ID_PATTERN = '^[A-Za-z0-9_.:-]+$';

export const SOURCES = ['scan', 'library', 'proxy', 'probe', 'validate', 'http'] as const;

/** Where a field sits in the event: at the top, or in one of its objects. */
export type FieldGroup = 'event' | 'input' | 'timings' | 'outputs';
/** How the `inference` point stores the field (InfluxDB 1.x field types). */
export type InfluxType = 'float' | 'int' | 'bool' | 'string';

export interface EventField {
  /** Key in its group, v2 column name and InfluxDB field name alike. */
  readonly name: string;
  readonly group: FieldGroup;
  /** The value's schema, bounds included (null and absence are the two flags below). */
  readonly schema: TSchema;
  /** The value may be null. */
  readonly nullable?: true;
  /** The key may be absent; new fields are, so events of older agents stay valid. */
  readonly optional?: true;
  /** Written as a field of the `inference` point, under `name`, when not null or absent. */
  readonly influx?: InfluxType;
}

const enumOf = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const count = () => Type.Integer({ minimum: 0, maximum: MAX_INTEGER });
/**
 * Longest timing an event may carry: a day, far past any scan's. Unbounded, one hostile value
 * (total_ms 1e300) grew the latency sketch of its window and of every window it rolls up into to
 * cover it (181 KB of counters instead of 71 KB; encoded, as replicas publish them, 23 KB instead
 * of 0.3 KB), put 1e300 in latency_max on the boards, and a window of only such values read
 * p50-p99 as 0.
 */
export const MAX_TIMING_MS = 86_400_000;
const ms = () => Type.Number({ minimum: 0, maximum: MAX_TIMING_MS });
const probability = () => Type.Number({ minimum: 0, maximum: 1 });

// Order matters only for readers of the wire and of line protocol: it is the order of the keys.
export const EVENT_FIELDS = [
  { name: 'event_id', group: 'event', schema: Type.String({ minLength: 1, maxLength: 64 }), influx: 'string' },
  /** Nanoseconds since the epoch, as a decimal string (it exceeds 2^53); unique within an agent. */
  { name: 'ts_ns', group: 'event', schema: Type.String({ pattern: '^[0-9]{1,19}$' }) },
  { name: 'source', group: 'event', schema: enumOf(SOURCES) },
  { name: 'format', group: 'input', schema: Type.String({ maxLength: 16 }) },
  { name: 'bytes', group: 'input', schema: count(), influx: 'int' },
  { name: 'width', group: 'input', schema: count(), influx: 'int' },
  { name: 'height', group: 'input', schema: count(), influx: 'int' },
  { name: 'decode_ms', group: 'timings', schema: ms(), influx: 'float' },
  { name: 'preprocess_ms', group: 'timings', schema: ms(), influx: 'float' },
  { name: 'infer_ms', group: 'timings', schema: ms(), influx: 'float' },
  { name: 'total_ms', group: 'timings', schema: ms(), influx: 'float' },
  { name: 'stego_prob', group: 'outputs', schema: probability(), influx: 'float' },
  { name: 'is_stego', group: 'outputs', schema: Type.Boolean(), influx: 'bool' },
  { name: 'method', group: 'outputs', schema: enumOf(METHODS), nullable: true },
  { name: 'method_prob', group: 'outputs', schema: probability(), nullable: true, influx: 'float' },
  { name: 'bit_order', group: 'outputs', schema: enumOf(BIT_ORDERS), nullable: true },
  /** True when the verdict is stego only because the upstream extracted a message (proxy, preset starlight-v4). */
  { name: 'extraction_override', group: 'outputs', schema: Type.Boolean(), optional: true, influx: 'bool' },
  /** Null when the request succeeded; then outputs hold the verdict. */
  { name: 'error_code', group: 'event', schema: Type.String({ maxLength: 64 }), nullable: true, influx: 'string' },
  /**
   * The client's X-Request-Id (agent/server/request-id.ts), so late labels can name the request
   * (collector/labels). Absent when the client sent none; the shadow's event carries its primary's.
   */
  { name: 'request_id', group: 'event', schema: Type.String({ minLength: 1, maxLength: REQUEST_ID_MAX, pattern: REQUEST_ID_PATTERN }), optional: true, influx: 'string' },
] as const satisfies readonly EventField[];

type Fields = (typeof EVENT_FIELDS)[number];
type Wire<F> = F extends { schema: infer S extends TSchema; nullable: true } ? TUnion<[S, TNull]> : F extends { schema: infer S extends TSchema } ? S : never;
type Member<F> = F extends { optional: true } ? TOptional<Wire<F>> : Wire<F>;
export type GroupProperties<G extends FieldGroup> = { [F in Fields as F extends { group: G } ? F['name'] : never]: Member<F> };

export const fieldsOf = (group: FieldGroup): readonly EventField[] => EVENT_FIELDS.filter((f) => f.group === group);

/** The TypeBox properties of one group, as the schema of the event has them. */
export function groupProperties<G extends FieldGroup>(group: G): GroupProperties<G> {
  const properties: Record<string, TSchema> = {};
  for (const f of fieldsOf(group) as EventField[]) {
    const wire = f.nullable ? Type.Union([f.schema, Type.Null()]) : f.schema;
    properties[f.name] = f.optional ? Type.Optional(wire) : wire;
  }
  return properties as GroupProperties<G>;
}

export const groupSchema = <G extends FieldGroup>(group: G): TObject<GroupProperties<G>> =>
  Type.Object(groupProperties(group), { additionalProperties: false });

/** Column names of the v2 batch, in table order. */
export type FieldName = Fields['name'];
export type OutputsOf = Static<TObject<GroupProperties<'outputs'>>>;

/** A field's value in an event: null when its group (outputs) is null, undefined when absent. */
export function fieldValue(event: InferenceEvent, field: EventField): unknown {
  switch (field.group) {
    case 'event':
      return (event as unknown as Record<string, unknown>)[field.name];
    case 'outputs':
      return event.outputs === null ? null : (event.outputs as Record<string, unknown>)[field.name];
    default:
      return (event[field.group] as Record<string, unknown>)[field.name];
  }
}

/** The fields the `inference` point stores, with their InfluxDB types (the Grafana contract reads them). */
export const INFLUX_FIELDS = (EVENT_FIELDS as readonly EventField[]).filter((f): f is EventField & { influx: InfluxType } => f.influx !== undefined);
