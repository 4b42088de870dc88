// starwatch detect --csv FILE [--json] [--detector NAME]: runs exactly the detector set the
// collector runs live (same factory, same names) over a `timestamp,value` CSV.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { detectorByName, DETECTOR_METHODS, SERIES_KINDS, UnknownDetectorError } from '../../collector/detect/factory.ts';
import { parseSeriesCsv, type BadRow } from '../../collector/detect/series-csv.ts';

export interface DetectRun {
  output: string;
  bad: BadRow[];
  flagged: number;
}

/** The whole command without I/O, for tests. */
export function runDetect(csv: string, detectorName: string, json: boolean): DetectRun {
  const detector = detectorByName(detectorName);
  const { points, bad } = parseSeriesCsv(csv);
  const rows = points.map((p) => ({ raw: p.raw, verdict: detector.update(p.ts, p.value) }));
  const flagged = rows.filter((r) => r.verdict.isAnomaly).length;
  if (json) {
    const out = rows.map(({ raw, verdict: v }) => ({
      timestamp: raw,
      value: v.value,
      expected: Number.isNaN(v.expected) ? null : v.expected,
      anomaly_score: round(v.score),
      is_anomaly: v.isAnomaly,
      detector: v.detector,
    }));
    return { output: `${JSON.stringify(out, null, 1)}\n`, bad, flagged };
  }
  const lines = ['timestamp,value,anomaly_score,is_anomaly'];
  for (const { raw, verdict: v } of rows) lines.push(`${raw},${v.value},${round(v.score)},${v.isAnomaly}`);
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

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
