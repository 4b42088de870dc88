// A training run's series and findings as InfluxDB points: `training` (tags run, model_version,
// metric; fields value, step) and `training_finding` (tags run, model_version, kind, metric;
// fields step, message). A step's time is the run's start plus one second per step, so a run reads
// left to right on a time axis and writing it again overwrites the same points.
import { formatLine } from '../collector/sinks/line-protocol.ts';
import { msToNs, type Point } from '../collector/sinks/point.ts';
import { MEASUREMENTS } from '../schemas/measurements.ts';
import type { Finding } from './findings.ts';
import type { TrainingPoint } from './parse.ts';

export interface RunTags {
  run: string;
  modelVersion: string;
  startedMs: number;
}

const at = (run: RunTags, step: number): string => msToNs(run.startedMs + step * 1000);

export function trainingLines(points: readonly TrainingPoint[], found: readonly Finding[], run: RunTags): string[] {
  const tags = { run: run.run, model_version: run.modelVersion };
  const series: Point[] = points.map((p) => ({
    measurement: MEASUREMENTS.training,
    tags: { ...tags, metric: p.metric },
    // NaN and inf cannot be stored as numbers: the point says it was not finite instead.
    fields: (Number.isFinite(p.value) ? { value: p.value, step: p.step } : { nonfinite: true, step: p.step }) as Point['fields'],
    timestampNs: at(run, p.step),
  }));
  const findingPoints: Point[] = found.map((f) => ({
    measurement: MEASUREMENTS.trainingFinding,
    tags: { ...tags, kind: f.kind, metric: f.metric },
    fields: { step: f.step, message: f.message },
    timestampNs: at(run, f.step),
  }));
  return [...series, ...findingPoints].map(formatLine).filter((l): l is string => l !== undefined);
}

/** POSTs the lines to an InfluxDB 1.x /write (or a 2.x/3.x compatibility API with a token). */
export async function writeLines(influxUrl: string, database: string, lines: readonly string[], token?: string): Promise<void> {
  if (lines.length === 0) return;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (token) headers.authorization = `Token ${token}`;
  const res = await fetch(`${influxUrl}/write?db=${encodeURIComponent(database)}&precision=ns`, { method: 'POST', headers, body: lines.join('\n') });
  if (!res.ok) throw new Error(`InfluxDB refused the training points (${res.status}): ${(await res.text()).slice(0, 300)}`);
}
