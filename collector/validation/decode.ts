// One message on VALIDATION_SUBJECT -> the `validation` point it describes, or a dead letter
// saying why not. Pure. Field types come from the contract (VALIDATION_FIELDS), not the sender.
import { VALIDATION_FIELDS, ValidationSummary } from '../../schemas/validation-summary.ts';
import { validator } from '../../schemas/validate.ts';
import type { DeadLetter } from '../consume/decode.ts';
import type { FieldValue, Point } from '../sinks/point.ts';

const checkSummary = validator(ValidationSummary);
const decoder = new TextDecoder();

export function decodeValidation(data: Uint8Array, subject: string, maxPayloadChars: number): { point: Point } | { dead: DeadLetter } {
  const text = decoder.decode(data);
  const dead = (code: DeadLetter['code'], reason: string): { dead: DeadLetter } => ({
    dead: { v: 1, code, reason, origin: { subject }, payload: text.slice(0, maxPayloadChars) },
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return dead('not_json', (e as Error).message);
  }
  const checked = checkSummary(parsed);
  if (!checked.ok) return dead('bad_validation', checked.reason);
  const summary = checked.value;
  const fields: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(summary.fields) as [string, FieldValue][])
    fields[name] = VALIDATION_FIELDS[name] === 'int' ? BigInt(value as number) : value;
  return { point: { measurement: summary.measurement, tags: { ...summary.tags }, fields, timestampNs: summary.ts_ns } };
}
