// Functions written from the field table (event-fields.ts) at start-up, for the collector's
// per-event path: a loop over the table reads each key through a variable name, which V8 cannot
// specialise, and measured about 35% slower end to end than the hand-written code it replaced.
// The generated text is what one would write by hand for the current table. Only the table's
// names go into it, each checked to be a plain identifier first, never data.
import { EVENT_FIELDS, type EventField } from './event-fields.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

for (const f of EVENT_FIELDS as readonly EventField[])
  if (!IDENTIFIER.test(f.name)) throw new Error(`event field "${f.name}" must be a plain identifier`);

/** `event.input.bytes` for field `bytes` of `event`: where the field sits in an InferenceEvent. */
export const pathIn = (event: string, f: EventField): string => (f.group === 'event' ? `${event}.${f.name}` : `${event}.${f.group}.${f.name}`);

/** A function from its parameters and body, made once; `helpers` are in scope by name. */
export function compile<F>(params: string[], body: string, helpers: Record<string, unknown> = {}): F {
  const names = Object.keys(helpers);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the file comment
  const make = new Function(...names, `return function (${params.join(', ')}) {\n${body}\n};`);
  return make(...names.map((n) => helpers[n])) as F;
}
