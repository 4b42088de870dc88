// EventBatch v3: an EventBatch v2 (event-columns.ts) whose columns may be sent compacted. Same
// events, same rows; only the carriage of a column differs. Three forms, besides v2's plain array:
//
//   { "dictionary": ["PNG", "JPEG"], "indexes": [0, 1, 1, 0] }   row i = dictionary[indexes[i]]
//   { "decimals": 3, "units": [3261, 503] }                      row i = units[i] / 10^decimals
//   { "text": "ab-1ab-2", "lengths": [4, 4] }                    row i = the i-th piece of text
//
// Why: JSON.parse spends about 30 ns on a number with decimals and on a short string (V8 interns
// strings of up to 10 characters), 10-15 ns on a small integer. A batch's timings and
// probabilities are kept to the microsecond and the millionth, and its sources, formats, methods,
// error codes and verdicts take a few values. Compacted, the pipeline bench's batch is 19% smaller
// for nats-server to store and deliver, and parses in 255 ns an event instead of 360 (expanding
// gives back about 40 of that). The agent's encoding costs the same as before.
//
// Distinct strings (event ids, ts_ns) go as one text and their lengths: one long string is read
// at once and its pieces are slices of it, where a string each cost a parser its own allocation
// (in CBOR, v4 (cbor-batch.ts), a string each cost cbor-x's JavaScript decoder 150-200 ns).
//
// Not compacted: ts_ns as offsets from the batch's smallest made the batch another 17% smaller,
// but rebuilding 19-digit strings cost the collector more than parsing them (pipeline bench, 4
// alternating pairs: 223-250k events/s against 238-289k without).
//
// Exact by construction: the agent compacts a column only when every value comes back as the same
// number (units[i] / 10^decimals === value, checked) or the same string. A column the encoder
// cannot compact stays a plain array. The collector expands a v3 batch into v2 before anything
// reads it, and each row is then checked exactly as before.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { MAX_BATCH_EVENTS, MAX_INTEGER } from './inference-event.ts';
import { EventColumns } from './event-columns.ts';

/** Values a dictionary may hold: more distinct values than this stay a plain array. */
export const MAX_DICTIONARY = 64;
/** Most decimals a compacted number keeps; timings are kept to 3, probabilities to 6. */
export const MAX_DECIMALS = 9;

const Plain = Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_EVENTS });
const Dictionary = Type.Object(
  {
    dictionary: Type.Array(Type.Union([Type.String(), Type.Boolean(), Type.Null()]), { minItems: 1, maxItems: MAX_DICTIONARY }),
    /** Each below the dictionary's length. */
    indexes: Type.Array(Type.Integer({ minimum: 0, maximum: MAX_DICTIONARY - 1 }), { maxItems: MAX_BATCH_EVENTS }),
  },
  { additionalProperties: false },
);
const Decimals = Type.Object(
  {
    decimals: Type.Integer({ minimum: 1, maximum: MAX_DECIMALS }),
    units: Type.Array(Type.Integer({ minimum: -MAX_INTEGER, maximum: MAX_INTEGER }), { maxItems: MAX_BATCH_EVENTS }),
  },
  { additionalProperties: false },
);
/** Longest string a packed column carries: ids and times are far shorter. */
export const MAX_PACKED_LENGTH = 1024;
const Packed = Type.Object(
  {
    /** The strings one after the other; the agent packs printable ASCII only (CBOR text is UTF-8). */
    text: Type.String({ maxLength: MAX_BATCH_EVENTS * MAX_PACKED_LENGTH }),
    /** Each string's length; they add up to the text's. */
    lengths: Type.Array(Type.Integer({ minimum: 0, maximum: MAX_PACKED_LENGTH }), { maxItems: MAX_BATCH_EVENTS }),
  },
  { additionalProperties: false },
);
export const WireColumn = Type.Union([Plain, Dictionary, Decimals, Packed]);
export type WireColumn = Static<typeof WireColumn>;

/** v2's columns, each in any of the four forms; required and optional as in v2. */
function wireColumnProperties(): Record<string, TSchema> {
  const v2 = EventColumns.properties.columns;
  const required = new Set<string>(v2.required ?? []);
  return Object.fromEntries(Object.keys(v2.properties).map((name) => [name, required.has(name) ? WireColumn : Type.Optional(WireColumn)]));
}

export const CompactColumns = Type.Object(
  {
    ...EventColumns.properties,
    v: Type.Literal(3),
    columns: Type.Object(wireColumnProperties(), { additionalProperties: false }) as TObject<Record<string, typeof WireColumn>>,
  },
  { additionalProperties: false },
);
export type CompactColumns = Static<typeof CompactColumns>;

/** A v2 batch as v3: every column in its smallest exact form. */
export function compactColumns(batch: EventColumns): CompactColumns {
  const columns: Record<string, WireColumn> = {};
  for (const [name, values] of Object.entries(batch.columns)) columns[name] = compactColumn(values as unknown[]);
  return { ...batch, v: 3, columns };
}

/** A column as a dictionary, decimals or packed text when one of them carries it exactly, else as it is. */
export function compactColumn(values: readonly unknown[]): WireColumn {
  const first = values[0];
  if (typeof first === 'number') return asDecimals(values) ?? (values as unknown[]);
  if (typeof first === 'string') return asDictionary(values) ?? asPacked(values) ?? (values as unknown[]);
  if (typeof first === 'boolean' || first === null) return asDictionary(values) ?? (values as unknown[]);
  return values as unknown[];
}

const POWERS = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/** Numbers with at most MAX_DECIMALS decimals, some of them not whole, as integer units. */
function asDecimals(values: readonly unknown[]): Static<typeof Decimals> | undefined {
  let decimals = 0;
  for (const v of values) {
    if (typeof v !== 'number') return undefined;
    while (decimals <= MAX_DECIMALS && !exactAt(v, decimals)) decimals++;
    if (decimals > MAX_DECIMALS) return undefined;
  }
  // Whole numbers are as short as plain.
  if (decimals === 0) return undefined;
  const scale = POWERS[decimals];
  const units = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const unit = Math.round((values[i] as number) * scale);
    // A value exact at fewer decimals is exact at more; checked all the same, it is cheap.
    if (unit / scale !== values[i] || !Number.isSafeInteger(unit)) return undefined;
    units[i] = unit;
  }
  return { decimals, units };
}

function exactAt(v: number, decimals: number): boolean {
  const scale = POWERS[decimals];
  const unit = Math.round(v * scale);
  return Number.isSafeInteger(unit) && unit / scale === v;
}

/** Strings, booleans and nulls of few distinct values as a dictionary and an index a row. */
function asDictionary(values: readonly unknown[]): Static<typeof Dictionary> | undefined {
  const dictionary: (string | boolean | null)[] = [];
  const seen = new Map<unknown, number>();
  const indexes = new Array<number>(values.length);
  // A dictionary pays only when values repeat: at least four rows a value.
  const most = Math.min(MAX_DICTIONARY, values.length >> 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let index = seen.get(v);
    if (index === undefined) {
      if ((typeof v !== 'string' && typeof v !== 'boolean' && v !== null) || dictionary.length === most) return undefined;
      seen.set(v, (index = dictionary.push(v) - 1));
    }
    indexes[i] = index;
  }
  return { dictionary, indexes };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Strings of printable ASCII, each at most MAX_PACKED_LENGTH long, as one text and their lengths. */
function asPacked(values: readonly unknown[]): Static<typeof Packed> | undefined {
  const lengths = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'string' || v.length > MAX_PACKED_LENGTH || !PRINTABLE_ASCII.test(v)) return undefined;
    lengths[i] = v.length;
  }
  return { text: values.join(''), lengths };
}

/**
 * A parsed v3 batch as the v2 batch it carries (not yet checked: the v2 schema checks the envelope,
 * the column names and lengths next), or why its columns are not CompactColumns'. Checked by hand
 * in the loops that expand them: the schema validator checking every index and unit cost more
 * than compacting saved. test/unit/schemas-compact-columns.test.ts holds the two to each other.
 */
export function expandColumns(batch: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  const columns = (batch as { columns?: unknown }).columns;
  if (!isRecord(columns)) return { ok: false, reason: '/columns must be object' };
  const expanded: [string, unknown[]][] = [];
  for (const [name, column] of Object.entries(columns)) {
    const values = expandColumn(column);
    if (typeof values === 'string') return { ok: false, reason: `/columns/${name}${values}` };
    expanded.push([name, values]);
  }
  // fromEntries, not assignment: a column named __proto__ stays a column (which v2 then refuses).
  return { ok: true, value: { ...(batch as object), v: 2, columns: Object.fromEntries(expanded) } };
}

const FORMS = ' must be an array, a dictionary, decimals or packed text';

/**
 * A column's values, or what is wrong with it (a path below the column and a reason). Wherever a
 * form holds numbers, a typed array may stand for the array (v4: cbor-batch.ts).
 */
function expandColumn(column: unknown): unknown[] | string {
  if (Array.isArray(column)) return column;
  if (isNumberArray(column)) return plainCopy(column);
  if (!isRecord(column) || Object.keys(column).length !== 2) return FORMS;
  if ('units' in column) return fromDecimals(column.decimals, column.units);
  if ('indexes' in column) return fromDictionary(column.dictionary, column.indexes);
  if ('lengths' in column) return fromPacked(column.text, column.lengths);
  return FORMS;
}

/** A typed array as a plain one (Array.from walks an iterator: several times slower). */
function plainCopy(column: NumberArray): number[] {
  const values = new Array<number>(column.length);
  for (let i = 0; i < column.length; i++) values[i] = column[i];
  return values;
}

/** The typed arrays v4 sends numbers in (cbor-batch.ts); no other view counts as an array. */
export type NumberArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

export function isNumberArray(x: unknown): x is NumberArray {
  return x instanceof Uint8Array || x instanceof Uint16Array || x instanceof Uint32Array || x instanceof Int32Array || x instanceof Float64Array;
}

/**
 * An array of what should be integers, plain or typed, read as it is (copying a typed array into a
 * plain one first made the collector's hot path slower, 1.5-1.7 against 1.2-1.6 us an event).
 */
const integers = (x: unknown): ArrayLike<unknown> | undefined => (Array.isArray(x) || isNumberArray(x) ? x : undefined);

function fromDecimals(decimals: unknown, column: unknown): number[] | string {
  if (!Number.isInteger(decimals) || (decimals as number) < 1 || (decimals as number) > MAX_DECIMALS) return `/decimals must be an integer from 1 to ${MAX_DECIMALS}`;
  const units = integers(column);
  if (units === undefined || units.length > MAX_BATCH_EVENTS) return `/units must be an array of at most ${MAX_BATCH_EVENTS} integers`;
  const scale = POWERS[decimals as number];
  // Sized up front: pushing cost twice as much a value.
  const values = new Array<number>(units.length);
  for (let i = 0; i < units.length; i++) {
    const unit = units[i];
    if (!Number.isSafeInteger(unit)) return `/units/${i} is ${shown(unit)}, not a safe integer`;
    values[i] = (unit as number) / scale;
  }
  return values;
}

function fromDictionary(dictionary: unknown, column: unknown): unknown[] | string {
  if (!Array.isArray(dictionary) || dictionary.length < 1 || dictionary.length > MAX_DICTIONARY || !dictionary.every((x) => typeof x === 'string' || typeof x === 'boolean' || x === null))
    return `/dictionary must be an array of 1 to ${MAX_DICTIONARY} strings, booleans or nulls`;
  const indexes = integers(column);
  if (indexes === undefined || indexes.length > MAX_BATCH_EVENTS) return `/indexes must be an array of at most ${MAX_BATCH_EVENTS} integers`;
  const values = new Array<unknown>(indexes.length);
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    if (!(Number.isInteger(index) && (index as number) >= 0 && (index as number) < dictionary.length)) return `/indexes/${i} is ${shown(index)}, not an index of the dictionary's ${dictionary.length} values`;
    values[i] = dictionary[index as number];
  }
  return values;
}

function fromPacked(text: unknown, column: unknown): string[] | string {
  // Any text cuts the same way: only the agent needs it ASCII (CBOR carries UTF-8), and the rows
  // are checked after.
  if (typeof text !== 'string') return '/text must be a string';
  const lengths = integers(column);
  if (lengths === undefined || lengths.length > MAX_BATCH_EVENTS) return `/lengths must be an array of at most ${MAX_BATCH_EVENTS} integers`;
  const values = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i];
    if (!(Number.isInteger(length) && (length as number) >= 0 && (length as number) <= MAX_PACKED_LENGTH)) return `/lengths/${i} is ${shown(length)}, not a length from 0 to ${MAX_PACKED_LENGTH}`;
    // V8 keeps a slice of 13 characters or more as a view of the text, not a copy.
    values[i] = text.slice(at, (at += length as number));
  }
  if (at !== text.length) return `/lengths add up to ${at}, the text has ${text.length} characters`;
  return values;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A bad value as a reason quotes it: cut, since a hostile one may be long. */
const shown = (x: unknown): string => String(JSON.stringify(x)).slice(0, 40);
