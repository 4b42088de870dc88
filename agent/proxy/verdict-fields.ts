// Reading a verdict out of an upstream service's JSON. Field names are configurable (dotted
// paths reach into nested objects); the defaults fit a snake_case API, and the starlight-v4 preset
// fits the answer of Starlight's scanner.py. Method names go through the shared alias table, so
// Starlight's "eoi" and "lsb" are raw and lsb.rgb; a name with no method is reported, not dropped.
import type { Outputs } from '../../schemas/inference-event.ts';
import { DEFAULT_METHOD_ALIASES, resolveMethod, type MethodAliases } from '../../schemas/method-aliases.ts';
import { BIT_ORDERS, METHODS, type StegoMethod } from '../../v4/contract.ts';
import { roundProbability } from '../events/build.ts';

export interface VerdictFields {
  stegoProb: string;
  isStego: string;
  method: string;
  /** The method as an index of the model's method head (0 alpha ... 4 raw), read when `method` is absent. */
  methodId?: string;
  methodProb: string;
  bitOrder: string;
  /** A message the upstream extracted: its presence makes the verdict stego (Starlight's override). */
  extractedMessage?: string;
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

/**
 * Starlight's scanner.py answers {is_stego, stego_probability, method_id, bit_order, stego_type,
 * confidence, extracted_message?, extraction_error?}.
 */
export const VERDICT_PRESETS: Readonly<Record<string, VerdictFields>> = {
  default: DEFAULT_VERDICT_FIELDS,
  'starlight-v4': {
    ...DEFAULT_VERDICT_FIELDS,
    stegoProb: 'stego_probability',
    isStego: 'is_stego',
    method: 'stego_type',
    methodId: 'method_id',
    methodProb: 'confidence',
    bitOrder: 'bit_order',
    extractedMessage: 'extracted_message',
  },
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

export interface UpstreamVerdict {
  outputs: Outputs;
  /** A method name the upstream gave that is no method of ours nor an alias of one. */
  unknownMethod: string | null;
  /** The upstream extracted a message: the verdict is stego whatever the probability says. */
  extracted: boolean;
}

/** An index into `list` (a number or a numeric string), or a name in it. */
function fromIndex<T extends string>(x: unknown, list: readonly T[]): T | null {
  const i = typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : NaN;
  return Number.isInteger(i) && i >= 0 && i < list.length ? list[i] : oneOf(x, list);
}

function methodOf(body: unknown, fields: VerdictFields, aliases: MethodAliases): { method: StegoMethod | null; unknown: string | null } {
  const named = pick(body, fields.method);
  if (typeof named === 'string' && named.trim()) {
    const method = resolveMethod(named, aliases);
    return { method, unknown: method ? null : named.slice(0, 64) };
  }
  return { method: fields.methodId ? fromIndex(pick(body, fields.methodId), METHODS) : null, unknown: null };
}

/** The verdict with what it says beyond the event's outputs, or null without a usable stego probability. */
export function readUpstreamVerdict(body: unknown, fields: VerdictFields, threshold = 0.5, aliases: MethodAliases = DEFAULT_METHOD_ALIASES): UpstreamVerdict | null {
  const stegoProb = probability(pick(body, fields.stegoProb));
  if (stegoProb === null) return null;
  const isStego = pick(body, fields.isStego);
  const message = fields.extractedMessage ? pick(body, fields.extractedMessage) : undefined;
  const extracted = typeof message === 'string' && message.length > 0;
  const { method, unknown } = methodOf(body, fields, aliases);
  const judged = typeof isStego === 'boolean' ? isStego : stegoProb > threshold;
  const outputs: Outputs = {
    stego_prob: stegoProb,
    is_stego: extracted || judged,
    method,
    method_prob: probability(pick(body, fields.methodProb)),
    bit_order: fromIndex(pick(body, fields.bitOrder), BIT_ORDERS),
  };
  if (extracted && !judged) outputs.extraction_override = true;
  // A method name beside a clean verdict ("clean", "none") names no method that was missed.
  return { outputs, unknownMethod: outputs.is_stego ? unknown : null, extracted };
}

/** The verdict, or null if the body has no usable stego probability. */
export function readVerdict(body: unknown, fields: VerdictFields, threshold = 0.5): Outputs | null {
  return readUpstreamVerdict(body, fields, threshold)?.outputs ?? null;
}

export function readSize(body: unknown, fields: VerdictFields): { width: number; height: number } {
  const int = (x: unknown): number => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : 0);
  return { width: int(pick(body, fields.width)), height: int(pick(body, fields.height)) };
}

const FIELD_KEYS: readonly (keyof VerdictFields)[] = [
  'stegoProb', 'isStego', 'method', 'methodId', 'methodProb', 'bitOrder', 'extractedMessage', 'width', 'height', 'modelVersion',
];

/** "stegoProb=result.p,method=result.m" -> overrides of `base` (the defaults, or a preset). */
export function parseFieldOverrides(spec: string, base: VerdictFields = DEFAULT_VERDICT_FIELDS): VerdictFields {
  const fields = { ...base };
  for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = pair.split('=').map((s) => s.trim());
    if (!FIELD_KEYS.includes(key as keyof VerdictFields) || !value) throw new Error(`bad field mapping "${pair}": keys are ${FIELD_KEYS.join(', ')}`);
    fields[key as keyof VerdictFields] = value;
  }
  return fields;
}
