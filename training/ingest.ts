// `starwatch training ingest`: parse training logs, flag what went wrong, write both to InfluxDB;
// with `follow`, keep reading a log that a running job is still writing.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { findings, type Finding } from './findings.ts';
import { parseLog, type TrainingPoint } from './parse.ts';
import { trainingLines, writeLines, type RunTags } from './write.ts';

export interface IngestTarget {
  influxUrl: string;
  database: string;
  token?: string;
}

export interface FileSummary {
  file: string;
  run: string;
  points: number;
  metrics: string[];
  steps: number;
  findings: Finding[];
}

/** Parses one log and writes it whole; the summary says what was found. */
export async function ingestFile(file: string, run: Omit<RunTags, 'startedMs'> & { startedMs?: number }, target: IngestTarget | null): Promise<FileSummary> {
  const points = parseLog(await readFile(file, 'utf8'), file);
  const startedMs = run.startedMs ?? (await stat(file)).mtimeMs - maxStep(points) * 1000;
  const found = findings(points);
  if (target) await writeLines(target.influxUrl, target.database, trainingLines(points, found, { ...run, startedMs }), target.token);
  return summary(file, run.run, points, found);
}

const maxStep = (points: readonly TrainingPoint[]): number => points.reduce((m, p) => Math.max(m, p.step), 0);

function summary(file: string, run: string, points: readonly TrainingPoint[], found: Finding[]): FileSummary {
  return { file: basename(file), run, points: points.length, metrics: [...new Set(points.map((p) => p.metric))].sort(), steps: maxStep(points), findings: found };
}

/**
 * Follows a growing log: every `intervalMs` the file is read again if it grew, and the points and
 * findings written (the same step is the same point, so writing again is harmless). Ends when
 * `signal` aborts; the last summary is returned.
 */
export async function followFile(file: string, run: RunTags, target: IngestTarget, signal: AbortSignal, intervalMs = 1000, onChange?: (s: FileSummary) => void): Promise<FileSummary> {
  let size = -1;
  let last = summary(file, run.run, [], []);
  while (!signal.aborted) {
    const now = await stat(file).then((s) => s.size, () => -1);
    if (now !== size && now >= 0) {
      size = now;
      const points = parseLog(await readFile(file, 'utf8'), file);
      const found = findings(points);
      await writeLines(target.influxUrl, target.database, trainingLines(points, found, run), target.token);
      last = summary(file, run.run, points, found);
      onChange?.(last);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
  return last;
}
