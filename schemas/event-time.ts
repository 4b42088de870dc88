// An event's time (`ts_ns`, nanoseconds as a decimal string) in ms: decoding and the points both
// need it, so it lives with the event's contract rather than in either of them.

/** Event time in ms from the ns string, without BigInt (the last six digits are below 1 ms). */
export function eventTimeMs(tsNs: string): number {
  return tsNs.length > 6 ? Number(tsNs.slice(0, -6)) : 0;
}
