// The counts a board divides by, and the counts it divides. InfluxQL answers 0 for x / 0, so a
// window with no labelled clean traffic would read as "FPR 0 %": falsely healthy. Leaving a zero
// base out of the point (with its numerators) makes sum(numerator) / sum(base) null where there
// are no samples, and exact where some windows of a bucket have them. The exact state keeps all.
// `count` stays: a closed window has requests (crash recovery reads it back), bar late-only ones.
import { METHODS, methodField } from '../../schemas/measurements.ts';

/** base field -> the count fields that are only meaningful over it. */
export const RATE_BASES: Readonly<Record<string, readonly string[]>> = {
  scored: ['stego', ...METHODS.map((m) => `pred_${methodField(m)}`)],
  clean_labelled: ['fp'],
  stego_labelled: ['tp'],
  ...Object.fromEntries(METHODS.map((m) => [`det_${methodField(m)}_n`, [`det_${methodField(m)}_hits`]])),
};

/** `fields` without each zero base and its numerators (a new object; the input is not changed). */
export function withoutEmptyBases(fields: Readonly<Record<string, number>>): Record<string, number> {
  const out = { ...fields };
  for (const [base, parts] of Object.entries(RATE_BASES)) {
    if (out[base] !== 0) continue;
    delete out[base];
    for (const p of parts) delete out[p];
  }
  return out;
}
