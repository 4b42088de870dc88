// Compiled validators for the contracts: one Ajv instance, errors as readable reasons.
import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema, Static } from '@sinclair/typebox';

// strictNumbers: JSON can carry Infinity (1e999 parses to it), which no contract allows and
// which would break line protocol and latency sketches downstream.
const ajv = new Ajv({ allErrors: false, strict: false, strictNumbers: true });

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

export function validator<S extends TSchema>(schema: S): (value: unknown) => Validation<Static<S>> {
  const check: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (check(value)) return { ok: true, value: value as Static<S> };
    const e = check.errors?.[0];
    return { ok: false, reason: e ? `${e.instancePath || '/'} ${e.message}` : 'invalid' };
  };
}
