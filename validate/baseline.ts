// The baseline a run is compared with: the few numbers the regression rules read. It is written
// by --write-baseline, and can also be read out of a previous --json output.
import { readFile, writeFile } from 'node:fs/promises';
import { METHODS, type StegoMethod } from '../agent/v4/contract.ts';
import type { ModelIdentity } from '../agent/v4/model.ts';
import { ValidateError } from './errors.ts';
import type { Metrics } from './metrics.ts';

export const BASELINE_KIND = 'starwatch-validate-baseline';

export interface Baseline {
  kind: typeof BASELINE_KIND;
  v: 1;
  model: ModelIdentity | null;
  dataset: string | null;
  created: string | null;
  /** Null where the run could not measure it (no clean images, no images of a method). */
  fpr: number | null;
  detection: Partial<Record<StegoMethod, number | null>>;
  latency_p95_ms: number | null;
}

export function baselineOf(metrics: Metrics, model: ModelIdentity | null, dataset: string | null, created = new Date().toISOString()): Baseline {
  return {
    kind: BASELINE_KIND,
    v: 1,
    model,
    dataset,
    created,
    fpr: metrics.fpr.rate,
    detection: Object.fromEntries(METHODS.map((m) => [m, metrics.methods[m].detection.rate])),
    latency_p95_ms: metrics.latencyMs?.p95 ?? null,
  };
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await writeFile(file, JSON.stringify(baseline, null, 2) + '\n');
}

export async function readBaseline(file: string): Promise<Baseline> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ValidateError('BAD_BASELINE', `cannot read baseline ${file}: ${(e as Error).message}`);
  }
  return parseBaseline(value, file);
}

/** A baseline file, or a `starwatch validate --json` output (its metrics are used). */
export function parseBaseline(value: unknown, where = 'baseline'): Baseline {
  const bad = (why: string): never => {
    throw new ValidateError('BAD_BASELINE', `${where}: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return bad('not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.kind === BASELINE_KIND) return checkBaseline(v, bad);
  if (typeof v.metrics === 'object' && v.metrics !== null) {
    const report = v as { metrics: Metrics; model?: ModelIdentity; dataset?: string; created?: string };
    try {
      return baselineOf(report.metrics, report.model ?? null, report.dataset ?? null, report.created ?? undefined);
    } catch (e) {
      return bad(`its metrics are not a validate output (${(e as Error).message})`);
    }
  }
  return bad(`neither a ${BASELINE_KIND} file nor a starwatch validate --json output`);
}

const isRateOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && x >= 0 && x <= 1);

function checkBaseline(v: Record<string, unknown>, bad: (why: string) => never): Baseline {
  if (v.v !== 1) bad(`unsupported version ${String(v.v)}`);
  if (!isRateOrNull(v.fpr)) bad('fpr must be a number in 0..1 or null');
  if (typeof v.detection !== 'object' || v.detection === null) bad('detection must be an object');
  for (const [method, r] of Object.entries(v.detection as object)) {
    if (!(METHODS as readonly string[]).includes(method)) bad(`unknown method ${method} in detection`);
    if (!isRateOrNull(r)) bad(`detection.${method} must be a number in 0..1 or null`);
  }
  const p95 = v.latency_p95_ms;
  if (p95 !== null && !(typeof p95 === 'number' && p95 >= 0)) bad('latency_p95_ms must be a non-negative number or null');
  return v as unknown as Baseline;
}
