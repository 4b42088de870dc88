// starwatch detect --csv FILE [--json] [--detector NAME]: runs exactly the detector set the
// collector runs live (same factory, same names) over a `timestamp,value` CSV. One output row
// per input row, in input order: a row that cannot be read gets score 0 in its place, so the
// output lines up with the input (scorers such as NAB's rely on it).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { detectorByName, DETECTOR_METHODS, SERIES_KINDS, UnknownDetectorError } from '../../collector/detect/factory.ts';
import { parseSeriesCsv, type BadRow } from '../../collector/detect/series-csv.ts';
import type { AnomalyPoint } from '../../collector/detect/types.ts';

export interface DetectRun {
  output: string;
  bad: BadRow[];
  flagged: number;
}

/** The whole command without I/O, for tests. */
export function runDetect(csv: string, detectorName: string, json: boolean): DetectRun {
  const detector = detectorByName(detectorName);
  const { points, bad } = parseSeriesCsv(csv);
  const scored = points.map((p) => ({ line: p.line, raw: p.raw, verdict: detector.update(p.ts, p.value) }));
  const skipped = bad.map((b) => ({ line: b.line, raw: b.raw, verdict: unread() }));
  const rows = [...scored, ...skipped].sort((a, b) => a.line - b.line);
  const flagged = rows.filter((r) => r.verdict.isAnomaly).length;
  if (json) {
    const out = rows.map(({ raw, verdict: v }) => ({
      timestamp: raw,
      value: Number.isNaN(v.value) ? null : v.value,
      expected: Number.isNaN(v.expected) ? null : v.expected,
      anomaly_score: round(v.score),
      is_anomaly: v.isAnomaly,
      detector: v.detector,
    }));
    return { output: `${JSON.stringify(out, null, 1)}\n`, bad, flagged };
  }
  const lines = ['timestamp,value,anomaly_score,is_anomaly'];
  for (const { raw, verdict: v } of rows) lines.push(`${raw},${Number.isNaN(v.value) ? '' : v.value},${round(v.score)},${v.isAnomaly}`);
  return { output: `${lines.join('\n')}\n`, bad, flagged };
}

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('Flag anomalies in a timestamp,value CSV with the detectors the collector runs live')
    .requiredOption('--csv <file>', 'CSV of timestamp,value rows (epoch ms, epoch s or ISO 8601)')
    .option('--json', 'print JSON instead of CSV')
    .option('--detector <name>', `series kind (${SERIES_KINDS.join(', ')}) or method (${DETECTOR_METHODS.join(', ')})`, 'generic')
    .action(async (opts: { csv: string; json?: boolean; detector: string }, command: Command) => {
      const text = await readFile(opts.csv, 'utf8');
      let run: DetectRun;
      try {
        run = runDetect(text, opts.detector, Boolean(opts.json));
      } catch (e) {
        if (e instanceof UnknownDetectorError) command.error(`detect: ${e.message}`, { code: e.code, exitCode: 2 });
        throw e;
      }
      process.stdout.write(run.output);
      reportBadRows('detect', run.bad);
      process.stderr.write(`detect: ${run.flagged} anomalies flagged\n`);
    });
}

export function reportBadRows(command: string, bad: readonly BadRow[]): void {
  if (bad.length === 0) return;
  process.stderr.write(`${command}: skipped ${bad.length} bad rows\n`);
  for (const row of bad.slice(0, 5)) process.stderr.write(`  ${row.code}: ${row.message}\n`);
}

/** The verdict printed for a row that could not be read: no value, no flag. */
function unread(): AnomalyPoint {
  return { ts: NaN, value: NaN, expected: NaN, score: 0, isAnomaly: false, detector: 'none' };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
