// A point as every writer hands it to a sink. Integers are bigint (written with the `i` suffix),
// other numbers are floats; non-finite numbers are left out (InfluxDB rejects them).

export type FieldValue = number | bigint | boolean | string;

export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Nanoseconds since the epoch, as a decimal string (exceeds 2^53) or a bigint. */
  timestampNs: string | bigint;
  /** When the data behind the point was created (ms); lets the sink measure end-to-end delay. */
  originMs?: number;
}

export const msToNs = (ms: number): string => `${Math.trunc(ms)}000000`;
