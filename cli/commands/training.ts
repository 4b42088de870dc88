// starwatch training ingest FILE...: training logs (text, Keras JSON history, CSV) into InfluxDB as
// per-run series, with divergence, plateaus, overfitting and instability flagged.
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULTS } from '../../collector/config.ts';
import { followFile, ingestFile, type FileSummary, type IngestTarget } from '../../training/ingest.ts';

interface IngestFlags {
  run?: string;
  modelVersion: string;
  started?: string;
  influxUrl: string;
  database: string;
  write: boolean;
  follow?: boolean;
  json?: boolean;
}

export function registerTraining(program: Command): void {
  const training = program.command('training').description('Training runs: loss curves and what went wrong in them');
  training
    .command('ingest')
    .description('Parse training logs (text, Keras JSON history, CSV), flag divergence/plateau/overfitting/instability, write to InfluxDB')
    .argument('<files...>', 'training logs')
    .option('--run <id>', 'run id (default: the file name without extension)')
    .option('--model-version <v>', 'model version the run trains', 'unknown')
    .option('--started <iso>', 'when the run started (default: the file time less one second per step)')
    .option('--influx-url <url>', 'InfluxDB URL (token: env STARWATCH_INFLUX_TOKEN)', DEFAULTS.influx.url)
    .option('--database <name>', 'InfluxDB database', DEFAULTS.influx.database)
    .option('--no-write', 'only parse and report')
    .option('--follow', 'keep reading the (one) log as a running job writes it, until Ctrl-C')
    .option('--json', 'print the summaries as JSON')
    .action(async (files: string[], flags: IngestFlags) => {
      process.exitCode = await ingest(files, flags);
    });
}

async function ingest(files: string[], flags: IngestFlags): Promise<number> {
  const target: IngestTarget | null = flags.write ? { influxUrl: flags.influxUrl, database: flags.database, token: process.env.STARWATCH_INFLUX_TOKEN } : null;
  const startedMs = flags.started ? Date.parse(flags.started) : undefined;
  if (startedMs !== undefined && Number.isNaN(startedMs)) return fail(`--started ${flags.started} is not a date`);
  const runOf = (file: string) => ({ run: flags.run ?? basename(file, extname(file)), modelVersion: flags.modelVersion });
  try {
    if (flags.follow) {
      if (files.length !== 1 || !target) return fail('--follow takes one file and writes it (not with --no-write)');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const last = await followFile(files[0], { ...runOf(files[0]), startedMs: startedMs ?? Date.now() }, target, stop.signal, 1000, (s) => print([s], flags.json));
      print([last], flags.json);
      return 0;
    }
    const summaries: FileSummary[] = [];
    for (const file of files) summaries.push(await ingestFile(file, { ...runOf(file), startedMs }, target));
    print(summaries, flags.json);
    return 0;
  } catch (e) {
    return fail((e as Error).message);
  }
}

function fail(message: string): number {
  process.stderr.write(`starwatch training: ${message}\n`);
  return 2;
}

function print(summaries: FileSummary[], json?: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(summaries) + '\n');
    return;
  }
  for (const s of summaries) {
    process.stdout.write(`${s.file}: run ${s.run}, ${s.points} points, ${s.steps} steps, metrics ${s.metrics.join(', ') || 'none'}\n`);
    for (const f of s.findings) process.stdout.write(`  ${f.kind.toUpperCase()} ${f.message}\n`);
  }
}
