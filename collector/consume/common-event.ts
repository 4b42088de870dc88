// A hand-written check for the common shape of an InferenceEvent (no label), a few times faster
// than the compiled schema on the per-event hot path. It only ever says yes to events the schema
// accepts too; anything else (labels, odd values, extra keys) goes to the schema, which decides
// and explains. test/unit/collector-common-event.test.ts holds the two to that.
import type { InferenceEvent } from '../../schemas/inference-event.ts';

const EVENT_KEYS = 10; // v event_id agent_id ts_ns source model input timings outputs error_code
export const SOURCES = new Set<unknown>(['scan', 'library', 'proxy', 'probe', 'validate', 'http']);
export const METHODS = new Set<unknown>(['alpha', 'palette', 'lsb.rgb', 'exif', 'raw']);
export const BIT_ORDERS = new Set<unknown>(['lsb-first', 'msb-first', 'none']);
export const AGENT_ID = /^[A-Za-z0-9_-]+$/;
export const TS_NS = /^[0-9]{1,19}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export function isCommonEvent(x: any): x is InferenceEvent {
  return (
    isObject(x) &&
    keyCount(x) === EVENT_KEYS &&
    x.v === 1 &&
    // Lengths in UTF-16 units are never below the schema's code-point lengths, so these bounds hold.
    sized(x.event_id, 1, 64) &&
    sized(x.agent_id, 1, 64) &&
    AGENT_ID.test(x.agent_id) &&
    typeof x.ts_ns === 'string' &&
    TS_NS.test(x.ts_ns) &&
    SOURCES.has(x.source) &&
    isModel(x.model) &&
    isInput(x.input) &&
    isTimings(x.timings) &&
    (x.outputs === null || isOutputs(x.outputs)) &&
    (x.error_code === null || sized(x.error_code, 0, 64))
  );
}

const isModel = (m: any): boolean =>
  isObject(m) && keyCount(m) === 3 && sized(m.id, 1, 128) && sized(m.version, 1, 64) && typeof m.sha256 === 'string' && SHA256.test(m.sha256);

const isInput = (i: any): boolean =>
  isObject(i) && keyCount(i) === 4 && sized(i.format, 0, 16) && count(i.bytes) && count(i.width) && count(i.height);

const isTimings = (t: any): boolean =>
  isObject(t) && keyCount(t) === 4 && atLeast0(t.decode_ms) && atLeast0(t.preprocess_ms) && atLeast0(t.infer_ms) && atLeast0(t.total_ms);

const isOutputs = (o: any): boolean =>
  isObject(o) &&
  keyCount(o) === 5 &&
  unit(o.stego_prob) &&
  typeof o.is_stego === 'boolean' &&
  (o.method === null || METHODS.has(o.method)) &&
  (o.method_prob === null || unit(o.method_prob)) &&
  (o.bit_order === null || BIT_ORDERS.has(o.bit_order));

const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);
// Counting own keys after checking each named one is present (a named check fails on undefined)
// means no key outside the schema's: additionalProperties false.
function keyCount(x: object): number {
  let n = 0;
  for (const _ in x) n++;
  return n;
}
export const sized = (s: unknown, min: number, max: number): boolean => typeof s === 'string' && s.length >= min && s.length <= max;
// Safe integers only: InfluxDB stores int64, and past 2^53 a JSON number is not the one sent.
export const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
export const atLeast0 = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0;
export const unit = (n: unknown): boolean => typeof n === 'number' && n >= 0 && n <= 1;
