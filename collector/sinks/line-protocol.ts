// InfluxDB line protocol: measurement,tag=v field=v timestamp. The escaping rules differ per
// position, so each position has its own function. Newlines cannot appear anywhere in a line.
import type { FieldValue, Point } from './point.ts';

const NEWLINES = /[\r\n]/g;
// Most names and values need no escaping at all: one test spares the chain of replaces.
const MEASUREMENT_SPECIAL = /[, \\\r\n]/;
const KEY_SPECIAL = /[,= \\\r\n]/;
const STRING_SPECIAL = /[\\"\r\n]/;

/** Measurement names: escape comma and space. */
export function escapeMeasurement(name: string): string {
  if (!MEASUREMENT_SPECIAL.test(name)) return name;
  return guardTrailingBackslash(name.replace(NEWLINES, ' ').replace(/[, ]/g, '\\$&'));
}

/** Tag keys, tag values and field keys: escape comma, equals sign and space. */
export function escapeKey(key: string): string {
  if (!KEY_SPECIAL.test(key)) return key;
  return guardTrailingBackslash(key.replace(NEWLINES, ' ').replace(/[,= ]/g, '\\$&'));
}

// InfluxDB keeps other backslashes literally, but a backslash at the very end would escape the
// separator that follows, and line protocol has no way to write one there (a doubled one is
// refused too): a trailing run of backslashes becomes underscores.
function guardTrailingBackslash(text: string): string {
  return text.replace(/\\+$/, (run) => '_'.repeat(run.length));
}

/** String field values: quoted, with backslash and double quote escaped; newlines written as \n. */
export function quoteString(value: string): string {
  if (!STRING_SPECIAL.test(value)) return `"${value}"`;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, '\\n')}"`;
}

export function formatField(value: FieldValue): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? formatNumber(value) : undefined;
    case 'bigint':
      return `${value}i`;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return quoteString(value);
  }
}

/** One line, or undefined when no field has a writable value (such a point cannot exist). */
export function formatLine(point: Point): string | undefined {
  let line = escapeMeasurement(point.measurement);
  // Sorted tags are what InfluxDB stores anyway; sending them sorted spares it the work.
  for (const key of Object.keys(point.tags).sort()) {
    const value = point.tags[key];
    if (value === '') continue; // an empty tag value is not allowed: absent means the same
    line += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  let sep = ' ';
  for (const key in point.fields) {
    const text = formatField(point.fields[key]);
    if (text === undefined) continue;
    line += `${sep}${escapeKey(key)}=${text}`;
    sep = ',';
  }
  if (sep === ' ') return undefined;
  return `${line} ${point.timestampNs}`;
}

const MICRO = 1e6;
const ZEROS = '00000';

/**
 * String(x), faster for what the collector writes most: numbers with at most six decimals
 * (agents keep milliseconds to the microsecond and probabilities to the millionth), which print
 * from two integers instead of through shortest round-trip dtoa (about 50 instead of 120 ns).
 * For 0 <= x < 2147.483648 such a number's shortest form is exactly these digits; anything
 * else goes to String(x).
 */
export function formatNumber(x: number): string {
  const micros = Math.round(x * MICRO);
  if (micros / MICRO !== x || micros < 0 || micros > 0x7fffffff) return String(x);
  const whole = (micros / MICRO) | 0;
  let fraction = micros - whole * MICRO;
  if (fraction === 0) return String(whole);
  let digits = 6;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  const text = String(fraction);
  return `${whole}.${ZEROS.slice(0, digits - text.length)}${text}`;
}
