// EventBatch v4: an EventBatch v3 (compact-columns.ts) in CBOR (RFC 8949) instead of JSON text,
// its columns of integers as typed arrays (RFC 8746). Same events, same rows, same checks: the
// collector turns a v4 batch back into the v3 object it carries and reads it as one.
//
// Why: JSON.parse was the largest part of the collector's work (a quarter of its CPU profile in
// the pipeline bench), most of it on numbers. A typed array is read as a block of bytes: the
// bench's batch of 250 decodes in 130-170 ns an event against 300-480 for its JSON, and is a third
// smaller for nats-server to store and deliver (18.4 KB against 26.9).
//
// Self-described (RFC 8949, 3.4.6): a message starts with tag 55799 (D9 D9 F7), a byte no JSON
// text starts with, so the collector tells the two carriages apart by the first byte.
//
// cbor-x's plain JavaScript build, without eval (records and its other code-generating paths off):
// its native string extractor (an optional package, not loaded by these entry points) is not
// needed, since the batch's many strings travel as one packed text.
import { Decoder } from 'cbor-x/decode-no-eval';
import { Encoder } from 'cbor-x/encode';
import { isNumberArray, type CompactColumns, type WireColumn } from './compact-columns.ts';

export const CBOR_MAGIC = Uint8Array.of(0xd9, 0xd9, 0xf7);

/**
 * The largest v4 message: CBOR is decoded in one uninterruptible call, where a JSON text past 256
 * KiB is parsed in pieces with chances to yield (collector/consume/sliced-json.ts). A byte of CBOR
 * can be a whole object (an empty map), a third of what JSON needs: a 256 KiB message of empty
 * maps held the collector's /healthz p99 at 152 ms (`bench hostile --only collector-cbor-maps`,
 * target 100). So 64 KiB, about 880 of the bench's events; a larger batch goes as v3 JSON.
 */
export const MAX_CBOR_BYTES = 64 * 1024;

// Records (cbor-x's own extension) off: plain CBOR maps, which any CBOR reader understands.
const encoder = new Encoder({ useRecords: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false });

/** A CBOR batch as opposed to a JSON one. */
export const isCbor = (data: Uint8Array): boolean => data.length >= 3 && data[0] === 0xd9 && data[1] === 0xd9 && data[2] === 0xf7;

/**
 * A v3 batch as v4 bytes, or undefined when v4 cannot carry it: longer than MAX_CBOR_BYTES, or
 * not exactly, since CBOR text is UTF-8, in which a lone surrogate (valid in a JSON string) has no
 * form. The caller then sends the v3 batch as it is.
 */
export function encodeCborBatch(v3: CompactColumns): Uint8Array | undefined {
  if (!wellFormed(v3)) return undefined;
  const columns: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(v3.columns)) columns[name] = typedColumn(column);
  const data = cborMessage({ ...v3, v: 4, columns });
  return data.length > MAX_CBOR_BYTES ? undefined : data;
}

/** A v4 batch object (its columns typed already) as a message: the CBOR mark, then the CBOR. */
function cborMessage(batch: object): Uint8Array {
  const body = encoder.encode(batch);
  const out = new Uint8Array(CBOR_MAGIC.length + body.length);
  out.set(CBOR_MAGIC);
  out.set(body, CBOR_MAGIC.length);
  return out;
}

/** The v4 object a message carries (not yet checked); throws on bytes that are not CBOR. */
export function decodeCborBatch(data: Uint8Array): unknown {
  return decoder.decode(data.subarray(CBOR_MAGIC.length));
}

/** A v3 column with its integers in the smallest typed array that holds them all exactly. */
function typedColumn(column: WireColumn): unknown {
  if (Array.isArray(column)) return typedIntegers(column) ?? column;
  if ('units' in column) return { ...column, units: typedIntegers(column.units) ?? column.units };
  if ('indexes' in column) return { ...column, indexes: Uint8Array.from(column.indexes) };
  return { ...column, lengths: typedIntegers(column.lengths) ?? column.lengths };
}

function typedIntegers(values: readonly unknown[]): unknown[] | Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array | undefined {
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) return undefined;
    if ((v as number) < min) min = v as number;
    if ((v as number) > max) max = v as number;
  }
  const numbers = values as number[];
  if (min >= 0 && max < 2 ** 8) return Uint8Array.from(numbers);
  if (min >= 0 && max < 2 ** 16) return Uint16Array.from(numbers);
  if (min >= 0 && max < 2 ** 32) return Uint32Array.from(numbers);
  if (min >= -(2 ** 31) && max < 2 ** 31) return Int32Array.from(numbers);
  return Float64Array.from(numbers);
}

// With the u flag a surrogate pair is one code point: only a lone surrogate matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Every string in it (keys too) has a UTF-8 form. */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object' || isNumberArray(value)) return true;
  if (Array.isArray(value)) return value.every(wellFormed);
  return Object.entries(value).every(([k, v]) => wellFormed(k) && wellFormed(v));
}
