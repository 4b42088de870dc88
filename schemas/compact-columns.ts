// EventBatch v3: an EventBatch v2 (event-columns.ts) whose columns may be sent compacted. Same
// events, same rows; only the carriage of a column differs. Two forms, besides v2's plain array:
//
//   { "dictionary": ["PNG", "JPEG"], "indexes": [0, 1, 1, 0] }   row i = dictionary[indexes[i]]
//   { "decimals": 3, "units": [3261, 503] }                      row i = units[i] / 10^decimals
//
// Why: JSON.parse spends about 30 ns on a number with decimals and on a short string (V8 interns
// strings of up to 10 characters), 10-15 ns on a small integer. A batch's timings and
// probabilities are kept to the microsecond and the millionth, and its sources, formats, methods,
// error codes and verdicts take a few values. Compacted, the pipeline bench's batch is 19% smaller
// for nats-server to store and deliver, and parses in 255 ns an event instead of 360 (expanding
// gives back about 40 of that). The agent's encoding costs the same as before.
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
export const WireColumn = Type.Union([Plain, Dictionary, Decimals]);
export type WireColumn = Static<typeof WireColumn>;

/** v2's columns, each in any of the three forms; required and optional as in v2. */
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

/** A column as a dictionary or as decimals when one of them carries it exactly, else as it is. */
export function compactColumn(values: readonly unknown[]): WireColumn {
  const first = values[0];
  if (typeof first === 'number') return asDecimals(values) ?? (values as unknown[]);
  if (typeof first === 'string' || typeof first === 'boolean' || first === null) return asDictionary(values) ?? (values as unknown[]);
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

/** A column's values, or what is wrong with it (a path below the column and a reason). */
function expandColumn(column: unknown): unknown[] | string {
  if (Array.isArray(column)) return column;
  if (!isRecord(column) || Object.keys(column).length !== 2) return ' must be an array, a dictionary or decimals';
  if ('units' in column) return fromDecimals(column.decimals, column.units);
  if ('indexes' in column) return fromDictionary(column.dictionary, column.indexes);
  return ' must be an array, a dictionary or decimals';
}

function fromDecimals(decimals: unknown, units: unknown): number[] | string {
  if (!Number.isInteger(decimals) || (decimals as number) < 1 || (decimals as number) > MAX_DECIMALS) return `/decimals must be an integer from 1 to ${MAX_DECIMALS}`;
  if (!Array.isArray(units) || units.length > MAX_BATCH_EVENTS) return `/units must be an array of at most ${MAX_BATCH_EVENTS} integers`;
  const scale = POWERS[decimals as number];
  // Sized up front: pushing cost twice as much a value.
  const values = new Array<number>(units.length);
  for (let i = 0; i < units.length; i++) {
    const unit = units[i];
    if (!Number.isSafeInteger(unit)) return `/units/${i} is ${shown(unit)}, not a safe integer`;
    values[i] = unit / scale;
  }
  return values;
}

function fromDictionary(dictionary: unknown, indexes: unknown): unknown[] | string {
  if (!Array.isArray(dictionary) || dictionary.length < 1 || dictionary.length > MAX_DICTIONARY || !dictionary.every((x) => typeof x === 'string' || typeof x === 'boolean' || x === null))
    return `/dictionary must be an array of 1 to ${MAX_DICTIONARY} strings, booleans or nulls`;
  if (!Array.isArray(indexes) || indexes.length > MAX_BATCH_EVENTS) return `/indexes must be an array of at most ${MAX_BATCH_EVENTS} integers`;
  const values = new Array<unknown>(indexes.length);
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    if (!(Number.isInteger(index) && index >= 0 && index < dictionary.length)) return `/indexes/${i} is ${shown(index)}, not an index of the dictionary's ${dictionary.length} values`;
    values[i] = dictionary[index];
  }
  return values;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A bad value as a reason quotes it: cut, since a hostile one may be long. */
const shown = (x: unknown): string => String(JSON.stringify(x)).slice(0, 40);
