// The baseline a run is compared with: the few numbers the regression rules read. It is written
// by --write-baseline, and can also be read out of a previous --json output.
import { readFile, writeFile } from 'node:fs/promises';
// The format itself lives in schemas/baseline.ts, shared with the collector's baseline rules.
import { METHODS } from '../v4/contract.ts';
import type { ModelIdentity } from '../v4/model.ts';
import { BASELINE_KIND, BaselineFormatError, checkBaseline, type Baseline } from '../schemas/baseline.ts';
import { ValidateError } from './errors.ts';
import type { Metrics } from './metrics.ts';

export { BASELINE_KIND, type Baseline };

export function baselineOf(metrics: Metrics, model: ModelIdentity | null, dataset: string | null, created = new Date().toISOString()): Baseline {
  return {
    kind: BASELINE_KIND,
    v: 1,
    model,
    dataset,
    created,
    fpr: metrics.fpr.rate,
    fpr_clean: metrics.fpr.n,
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
  if (v.kind === BASELINE_KIND) {
    try {
      return checkBaseline(v);
    } catch (e) {
      return bad((e as BaselineFormatError).message);
    }
  }
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
