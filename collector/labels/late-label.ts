// A ground-truth label that arrives after its event (a review, a customer report): which event,
// the truth, the method when stego, and where it came from. POST /labels and the NATS subject
// starwatch.v1.labels take these; collector/labels/apply.ts rewrites the windows they touch.
import { Type, type Static } from '@sinclair/typebox';
import { validator } from '../../schemas/validate.ts';
import { METHODS } from '../../v4/contract.ts';

const Method = Type.Union(METHODS.map((m) => Type.Literal(m)));

export const LateLabel = Type.Object(
  {
    event_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    truth: Type.Union([Type.Literal('clean'), Type.Literal('stego')]),
    method: Type.Optional(Type.Union([Method, Type.Null()])),
    /** Who labelled it (review, customer, probe...): a tag, so a short plain word. */
    source: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);
export type LateLabel = Static<typeof LateLabel>;

export const LABELS_DEFAULTS = {
  /** Labels in one POST or NATS message at most. */
  maxPerMessage: 1000,
};

export const LateLabels = Type.Array(LateLabel, { minItems: 1, maxItems: LABELS_DEFAULTS.maxPerMessage });
export const checkLateLabels = validator(LateLabels);
