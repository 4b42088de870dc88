// The one baseline format: a known-good (or known-imperfect) model's validated figures, written by
// `starwatch validate --write-baseline` and read by the collector's `--alerts-baseline-file`.
// Versioned by `kind` + `v`; a reader refuses what it does not know, so no rule goes silently off.
import { METHODS } from './measurements.ts';

export const BASELINE_KIND = 'starwatch-validate-baseline';
export const BASELINE_VERSION = 1;

export type BaselineMethod = (typeof METHODS)[number];

export interface Baseline {
  kind: typeof BASELINE_KIND;
  v: typeof BASELINE_VERSION;
  model: { id: string; version: string; sha256: string } | null;
  dataset: string | null;
  created: string | null;
  /** Null where the run could not measure it (no clean images, no images of a method). */
  fpr: number | null;
  /**
   * The clean images `fpr` was measured on. Optional (files before v4-reference-9 lack it): with
   * it, the collector judges FPR against what the run can show (0 of 400 is not "0%"), not the
   * bare rate.
   */
  fpr_clean?: number | null;
  detection: Partial<Record<BaselineMethod, number | null>>;
  latency_p95_ms: number | null;
}

export class BaselineFormatError extends Error {
  readonly code = 'baseline_invalid';
}

const isRateOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && x >= 0 && x <= 1);

/** Checks a parsed JSON value against the schema; the error says what is wrong and how to fix it. */
export function checkBaseline(value: unknown): Baseline {
  const bad = (why: string): never => {
    throw new BaselineFormatError(why);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.kind !== BASELINE_KIND) {
    return bad(`kind is ${JSON.stringify(v.kind)}, expected "${BASELINE_KIND}" (write one with starwatch validate --write-baseline)`);
  }
  if (v.v !== BASELINE_VERSION) bad(`unsupported version ${String(v.v)} (this Starwatch reads v${BASELINE_VERSION})`);
  if (!isRateOrNull(v.fpr)) bad('fpr must be a number in 0..1 or null');
  const clean = v.fpr_clean;
  if (clean !== undefined && clean !== null && !(Number.isInteger(clean) && (clean as number) >= 0)) bad('fpr_clean must be a whole number of images or null');
  if (typeof v.detection !== 'object' || v.detection === null) bad('detection must be an object');
  for (const [method, r] of Object.entries(v.detection as object)) {
    if (!(METHODS as readonly string[]).includes(method)) bad(`unknown method ${method} in detection`);
    if (!isRateOrNull(r)) bad(`detection.${method} must be a number in 0..1 or null`);
  }
  const p95 = v.latency_p95_ms;
  if (p95 !== null && !(typeof p95 === 'number' && p95 >= 0 && Number.isFinite(p95))) bad('latency_p95_ms must be a non-negative number or null');
  return v as unknown as Baseline;
}
