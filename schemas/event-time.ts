// An event's time (`ts_ns`, nanoseconds as a decimal string) in ms: decoding and the points both
// need it, so it lives with the event's contract rather than in either of them.

/**
 * Event time in ms from the ns string, without BigInt (the last six digits are below 1 ms).
 * Read digit by digit: the collector does this for every event, and `Number(slice)` made a
 * string each time. Up to 15 digits of ms the sum is exact; anything longer or not all digits
 * goes the old way.
 */
export function eventTimeMs(tsNs: string): number {
  const end = tsNs.length - 6;
  if (end <= 0) return 0;
  if (end > 15) return Number(tsNs.slice(0, end));
  let ms = 0;
  for (let i = 0; i < end; i++) {
    const digit = tsNs.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(tsNs.slice(0, end));
    ms = ms * 10 + digit;
  }
  return ms;
}
