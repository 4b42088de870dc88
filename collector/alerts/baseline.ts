// The regression baseline: the figures `starwatch validate --write-baseline` wrote for the model
// (schemas/baseline.ts, the one format). A file that does not match stops the collector at start:
// a rule silently off is worse than a collector that refuses to start.
import { readFile } from 'node:fs/promises';
import { BaselineFormatError, checkBaseline } from '../../schemas/baseline.ts';
import { pct, wilson } from './evidence.ts';

/** What the rules read; figures the validation could not measure (null) are absent. */
export interface QualityBaseline {
  fpr?: number;
  /** The clean images the FPR was measured on, when the file says. */
  fprClean?: number;
  latencyP95Ms?: number;
  detectionByMethod?: Record<string, number>;
  /** The model the baseline was measured on, for the standing notice. */
  model?: string;
}

/**
 * The highest FPR the baseline's validation is consistent with: the upper end of its 95% Wilson
 * interval when the file says how many clean images it saw, else the bare rate. A model that
 * flagged 0 of 400 clean images is known to be under about 1%, not to be at 0%: a regression
 * limit of 1.1 x 0% would page on the first false positive.
 */
export function vouchedFpr(b: QualityBaseline): { bound: number; text: string } | undefined {
  if (b.fpr === undefined) return undefined;
  if (b.fprClean === undefined) return { bound: b.fpr, text: pct(b.fpr, 3) };
  const hits = Math.round(b.fpr * b.fprClean);
  const { upper } = wilson({ hits, n: b.fprClean });
  return { bound: upper, text: `${pct(b.fpr, 3)} (${hits}/${b.fprClean} clean; 95% upper ${pct(upper, 3)})` };
}

export class BaselineError extends Error {
  constructor(
    readonly code: 'baseline_unreadable' | 'baseline_invalid',
    message: string,
  ) {
    super(message);
  }
}

export async function loadBaseline(path: string): Promise<QualityBaseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BaselineError('baseline_unreadable', `cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BaselineError('baseline_invalid', `baseline ${path} is not JSON`);
  }
  try {
    return parseBaseline(raw);
  } catch (e) {
    throw new BaselineError('baseline_invalid', `baseline ${path}: ${(e as Error).message}`);
  }
}

export function parseBaseline(raw: unknown): QualityBaseline {
  let b;
  try {
    b = checkBaseline(raw);
  } catch (e) {
    if (e instanceof BaselineFormatError) throw new BaselineError('baseline_invalid', e.message);
    throw e;
  }
  const out: QualityBaseline = {};
  if (b.fpr !== null) out.fpr = b.fpr;
  if (b.fpr !== null && typeof b.fpr_clean === 'number' && b.fpr_clean > 0) out.fprClean = b.fpr_clean;
  if (b.latency_p95_ms !== null && b.latency_p95_ms > 0) out.latencyP95Ms = b.latency_p95_ms;
  const detection = Object.entries(b.detection).filter((e): e is [string, number] => typeof e[1] === 'number');
  if (detection.length > 0) out.detectionByMethod = Object.fromEntries(detection);
  if (b.model) out.model = b.model.version;
  return out;
}
