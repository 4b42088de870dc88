// A plain predicate from a field's schema, a few times faster than the compiled validator on the
// collector's per-event path. It only ever says yes to values the schema accepts: a kind or
// bound it does not know makes it say no, and the schema then decides and explains.
// test/unit/schemas-fast-check.test.ts holds the two to that.
import type { TSchema } from '@sinclair/typebox';

export type FastCheck = (value: unknown) => boolean;

const never: FastCheck = () => false;

export function fastCheckOf(schema: TSchema): FastCheck {
  if (Array.isArray(schema.anyOf)) return literalsCheck(schema.anyOf as TSchema[]);
  switch (schema.type) {
    case 'boolean':
      return (x) => typeof x === 'boolean';
    case 'string':
      return stringCheck(schema);
    case 'integer':
      return integerCheck(schema.minimum ?? Number.NEGATIVE_INFINITY, schema.maximum ?? Number.POSITIVE_INFINITY);
    case 'number':
      return numberCheck(schema.minimum ?? Number.NEGATIVE_INFINITY, schema.maximum ?? Number.POSITIVE_INFINITY);
    default:
      return never;
  }
}

function literalsCheck(members: TSchema[]): FastCheck {
  if (!members.every((m) => typeof m.const === 'string')) return never;
  const values = new Set<unknown>(members.map((m) => m.const));
  return (x) => values.has(x);
}

function stringCheck(schema: TSchema): FastCheck {
  const min: number = schema.minLength ?? 0;
  const max: number = schema.maxLength ?? Number.POSITIVE_INFINITY;
  // Lengths in UTF-16 units are never below the schema's code-point lengths, so a maximum holds;
  // a minimum holds only up to 1 (one unit is one code point, a pair is one too).
  if (min > 1) return never;
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern);
  if (pattern) return (x) => typeof x === 'string' && x.length >= min && x.length <= max && pattern.test(x);
  return (x) => typeof x === 'string' && x.length >= min && x.length <= max;
}

// Safe integers only: InfluxDB stores int64, and past 2^53 a JSON number is not the one sent.
const integerCheck = (min: number, max: number): FastCheck => (x) => Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max;

const numberCheck = (min: number, max: number): FastCheck => (x) => typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max;
