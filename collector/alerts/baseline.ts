// The regression baseline: figures of a known-good release, kept as a small JSON file
// { "fpr": 0.0003, "latencyP95Ms": 3.1, "detectionByMethod": { "alpha": 0.995, ... } }.
import { readFile } from 'node:fs/promises';

export interface QualityBaseline {
  fpr?: number;
  latencyP95Ms?: number;
  detectionByMethod?: Record<string, number>;
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
  try {
    return parseBaseline(JSON.parse(text));
  } catch (e) {
    if (e instanceof BaselineError) throw e;
    throw new BaselineError('baseline_invalid', `baseline ${path} is not JSON`);
  }
}

export function parseBaseline(raw: unknown): QualityBaseline {
  if (typeof raw !== 'object' || raw === null) throw new BaselineError('baseline_invalid', 'baseline must be an object');
  const r = raw as Record<string, unknown>;
  const out: QualityBaseline = {};
  if (r.fpr !== undefined) out.fpr = unitNumber(r.fpr, 'fpr');
  if (r.latencyP95Ms !== undefined) out.latencyP95Ms = positiveNumber(r.latencyP95Ms, 'latencyP95Ms');
  if (r.detectionByMethod !== undefined) {
    if (typeof r.detectionByMethod !== 'object' || r.detectionByMethod === null) {
      throw new BaselineError('baseline_invalid', 'detectionByMethod must be an object');
    }
    out.detectionByMethod = Object.fromEntries(
      Object.entries(r.detectionByMethod).map(([m, v]) => [m, unitNumber(v, `detectionByMethod.${m}`)]),
    );
  }
  return out;
}

function unitNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new BaselineError('baseline_invalid', `${name} must be a number in 0..1`);
  return v;
}

function positiveNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new BaselineError('baseline_invalid', `${name} must be a positive number`);
  return v;
}
