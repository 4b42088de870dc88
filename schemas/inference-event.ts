// InferenceEvent v1: one per request the agent sees. The TypeBox definition is the single
// source: its JSON Schema validates on the wire, its Static type is the TypeScript type. Its
// fields come from the table in event-fields.ts; this file adds the envelope (v, agent_id,
// model, label) and how the groups nest.
import { Type, type Static } from '@sinclair/typebox';
import { BIT_ORDERS, METHODS } from '../v4/contract.ts';
import { MAX_INTEGER, groupProperties, groupSchema } from './event-fields.ts';

export { MAX_INTEGER };

/**
 * Bounds of one JetStream message of events. A batch is cut by the agent at its batch size (256
 * by default) and at the server's max payload (1 MiB by default); these bounds leave room above
 * both, and keep what one hostile message can make the collector hold to a few MB.
 */
export const MAX_BATCH_EVENTS = 10_000;
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/**
 * Deepest nesting of arrays and objects in a message: the contracts need 4 (a label object in a
 * column array in `columns`); a deeper message is refused before JSON.parse, which spends about
 * a second on 200,000 levels.
 */
export const MAX_JSON_DEPTH = 16;
/**
 * ts_ns is written as the point's int64 timestamp: 2^63 - 1 ns (2262-04-11), as the decimal
 * string ts_ns is; a 19-digit ts_ns compares with it as text.
 */
export const MAX_TS_NS = '9223372036854775807';

const Method = Type.Union(METHODS.map((m) => Type.Literal(m)));
const BitOrder = Type.Union(BIT_ORDERS.map((m) => Type.Literal(m)));

export const Label = Type.Object(
  {
    category: Type.Union([Type.Literal('clean'), Type.Literal('stego')]),
    method: Type.Optional(Method),
    bit_order: Type.Optional(BitOrder),
  },
  { additionalProperties: false },
);
export type Label = Static<typeof Label>;

/**
 * A request scored during a model rollout: `primary` answered as usual, `canary` is the candidate
 * answering its share, `shadow` is the candidate scoring after the answer went out. The two
 * verdicts of one image (primary and shadow) carry the same pair_id.
 */
export const ROLLOUT_ROLES = ['primary', 'shadow', 'canary'] as const;
export const Rollout = Type.Object(
  {
    role: Type.Union(ROLLOUT_ROLES.map((r) => Type.Literal(r))),
    pair_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type Rollout = Static<typeof Rollout>;

export const Model = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);
export type Model = Static<typeof Model>;

export const Timings = groupSchema('timings');
export type Timings = Static<typeof Timings>;

export const Outputs = groupSchema('outputs');
export type Outputs = Static<typeof Outputs>;

export const InferenceEvent = Type.Object(
  {
    v: Type.Literal(1),
    ...groupProperties('event'),
    agent_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    model: Model,
    input: groupSchema('input'),
    timings: Timings,
    /** Null when the request failed; then error_code says why. */
    outputs: Type.Union([Outputs, Type.Null()]),
    label: Type.Optional(Label),
    /** Set only while a candidate model is rolled out beside the primary (agent/rollout). */
    rollout: Type.Optional(Rollout),
  },
  { additionalProperties: false },
);
export type InferenceEvent = Static<typeof InferenceEvent>;

/**
 * What travels in one JetStream message: events are micro-batched to lift the per-message cap.
 * Version 1 carries events as rows; the agent now sends version 2, the same events as columns
 * (event-columns.ts). The collector reads both.
 */
export const EventBatch = Type.Object(
  {
    v: Type.Literal(1),
    agent_id: Type.String({ minLength: 1, maxLength: 64 }),
    /** Per agent, increasing; with agent_id it names the batch for deduplication. */
    seq: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
  },
  { additionalProperties: false },
);
export type EventBatch = Static<typeof EventBatch>;
