// A ground-truth label that arrives after its event (a review, a customer report): which event
// (its event_id, or the request_id the client sent as X-Request-Id), the truth, the method when
// stego, and where it came from. POST /labels and the NATS subject starwatch.v1.labels take
// these; collector/labels/apply.ts rewrites the windows they touch.
import { Type, type Static } from '@sinclair/typebox';
import { REQUEST_ID_MAX, REQUEST_ID_PATTERN } from '../../schemas/event-fields.ts';
import { validator } from '../../schemas/validate.ts';
import { METHODS } from '../../v4/contract.ts';

const Method = Type.Union(METHODS.map((m) => Type.Literal(m)));

const labelled = {
  truth: Type.Union([Type.Literal('clean'), Type.Literal('stego')]),
  method: Type.Optional(Type.Union([Method, Type.Null()])),
  /** Who labelled it (review, customer, probe...): a tag, so a short plain word. */
  source: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' }),
};

/** Ids are plain (no quotes, slashes or spaces), so they never break the query that finds them. */
const ByEventId = Type.Object({ event_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }), ...labelled }, { additionalProperties: false });
const ByRequestId = Type.Object({ request_id: Type.String({ minLength: 1, maxLength: REQUEST_ID_MAX, pattern: REQUEST_ID_PATTERN }), ...labelled }, { additionalProperties: false });

/** Exactly one of event_id and request_id: a request id labels every event of the request (primary and shadow). */
export const LateLabel = Type.Union([ByEventId, ByRequestId]);
export type LateLabel = Static<typeof LateLabel>;

/** Which id the label names, and by which field of the stored events. */
export const labelTarget = (l: LateLabel): { by: 'event_id' | 'request_id'; id: string } =>
  'event_id' in l ? { by: 'event_id', id: l.event_id } : { by: 'request_id', id: l.request_id };

export const LABELS_DEFAULTS = {
  /** Labels in one POST or NATS message at most. */
  maxPerMessage: 1000,
};

export const LateLabels = Type.Array(LateLabel, { minItems: 1, maxItems: LABELS_DEFAULTS.maxPerMessage });
export const checkLateLabels = validator(LateLabels);
