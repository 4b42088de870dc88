// A hand-written check for the common shape of an InferenceEvent (no label), a few times faster
// than the compiled schema on the per-event hot path. It only ever says yes to events the schema
// accepts too; anything else (labels, odd values, extra keys) goes to the schema, which decides
// and explains. test/unit/collector-common-event.test.ts holds the two to that. The per-field
// checks come from the field table (schemas/event-fields.ts) through schemas/fast-check.ts.
import { EVENT_FIELDS, type EventField, type FieldGroup } from '../../schemas/event-fields.ts';
import { fastCheckOf, type FastCheck } from '../../schemas/fast-check.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';

export interface CheckedField {
  readonly name: string;
  readonly nullable: boolean;
  readonly optional: boolean;
  /** Null in a column is fine: the field is nullable, or optional (null there means absent). */
  readonly mayLack: boolean;
  readonly check: FastCheck;
}

const checked = (group: FieldGroup): CheckedField[] =>
  (EVENT_FIELDS as readonly EventField[])
    .filter((f) => f.group === group)
    .map((f) => {
      const nullable = f.nullable === true;
      const optional = f.optional === true;
      return { name: f.name, nullable, optional, mayLack: nullable || optional, check: fastCheckOf(f.schema) };
    });

export const CHECKED = { event: checked('event'), input: checked('input'), timings: checked('timings'), outputs: checked('outputs') };

export const AGENT_ID = /^[A-Za-z0-9_-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;
// Keys of an event besides the table's top fields: v agent_id model input timings outputs.
const ENVELOPE_KEYS = 6;

export function isCommonEvent(x: any): x is InferenceEvent {
  return (
    isObject(x) &&
    x.v === 1 &&
    sized(x.agent_id, 1, 64) &&
    AGENT_ID.test(x.agent_id) &&
    isModel(x.model) &&
    fieldsHold(x, CHECKED.event, ENVELOPE_KEYS) &&
    fieldsHold(x.input, CHECKED.input, 0) &&
    fieldsHold(x.timings, CHECKED.timings, 0) &&
    (x.outputs === null || fieldsHold(x.outputs, CHECKED.outputs, 0))
  );
}

/**
 * Every field of the group present and valid (null or absent only where the table allows), and
 * no other key than those and `others` more (checked by the caller): additionalProperties false.
 */
function fieldsHold(x: any, fields: readonly CheckedField[], others: number): boolean {
  if (!isObject(x)) return false;
  let present = 0;
  for (const f of fields) {
    const value = x[f.name];
    if (value === undefined) {
      if (!f.optional) return false;
      continue;
    }
    present++;
    if (value === null ? !f.nullable : !f.check(value)) return false;
  }
  return keyCount(x) === present + others;
}

const isModel = (m: any): boolean =>
  isObject(m) && keyCount(m) === 3 && sized(m.id, 1, 128) && sized(m.version, 1, 64) && typeof m.sha256 === 'string' && SHA256.test(m.sha256);

const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);
function keyCount(x: object): number {
  let n = 0;
  for (const _ in x) n++;
  return n;
}
// Lengths in UTF-16 units are never below the schema's code-point lengths, so these bounds hold.
const sized = (s: unknown, min: number, max: number): boolean => typeof s === 'string' && s.length >= min && s.length <= max;
