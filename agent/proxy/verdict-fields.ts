// Reading a verdict out of an upstream service's JSON. Field names are configurable (dotted
// paths reach into nested objects); the defaults fit a snake_case API.
import type { Outputs } from '../../schemas/inference-event.ts';
import { BIT_ORDERS, METHODS } from '../v4/contract.ts';
import { roundProbability } from '../events/build.ts';

export interface VerdictFields {
  stegoProb: string;
  isStego: string;
  method: string;
  methodProb: string;
  bitOrder: string;
  width: string;
  height: string;
  modelVersion: string;
}

export const DEFAULT_VERDICT_FIELDS: VerdictFields = {
  stegoProb: 'stego_probability',
  isStego: 'is_stego',
  method: 'method',
  methodProb: 'method_probability',
  bitOrder: 'bit_order',
  width: 'width',
  height: 'height',
  modelVersion: 'model_version',
};

/** "a.b.c" -> body.a.b.c, or undefined. */
export function pick(body: unknown, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const probability = (x: unknown): number | null => (typeof x === 'number' && x >= 0 && x <= 1 ? roundProbability(x) : null);
const oneOf = <T extends string>(x: unknown, allowed: readonly T[]): T | null =>
  typeof x === 'string' && (allowed as readonly string[]).includes(x) ? (x as T) : null;

/** The verdict, or null if the body has no usable stego probability. */
export function readVerdict(body: unknown, fields: VerdictFields, threshold = 0.5): Outputs | null {
  const stegoProb = probability(pick(body, fields.stegoProb));
  if (stegoProb === null) return null;
  const isStego = pick(body, fields.isStego);
  return {
    stego_prob: stegoProb,
    is_stego: typeof isStego === 'boolean' ? isStego : stegoProb > threshold,
    method: oneOf(pick(body, fields.method), METHODS),
    method_prob: probability(pick(body, fields.methodProb)),
    bit_order: oneOf(pick(body, fields.bitOrder), BIT_ORDERS),
  };
}

export function readSize(body: unknown, fields: VerdictFields): { width: number; height: number } {
  const int = (x: unknown): number => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : 0);
  return { width: int(pick(body, fields.width)), height: int(pick(body, fields.height)) };
}

/** "stegoProb=result.p,method=result.m" -> overrides of the defaults. */
export function parseFieldOverrides(spec: string): VerdictFields {
  const fields = { ...DEFAULT_VERDICT_FIELDS };
  for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = pair.split('=').map((s) => s.trim());
    if (!Object.hasOwn(fields, key) || !value) throw new Error(`bad field mapping "${pair}": keys are ${Object.keys(fields).join(', ')}`);
    fields[key as keyof VerdictFields] = value;
  }
  return fields;
}
