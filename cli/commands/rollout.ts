// starwatch rollout gate|status: the go/no-go of a candidate model against its baseline, judged
// on the rollout comparison the collector wrote to InfluxDB. gate exits 0 (go), 1 (no-go, the
// broken rules named) or 2 (not enough evidence yet, with how much more is needed); status
// prints the same judgement as a table and exits 0.
import { InvalidArgumentError, type Command } from 'commander';
import { InfluxQL } from '../../collector/sinks/influxql.ts';
import { DEFAULTS } from '../../collector/config.ts';
import { GATE_DEFAULTS, judgeRollout, type GateResult, type GateRules } from '../../collector/rollout/gate.ts';
import { readComparison } from '../../collector/rollout/read-comparison.ts';
import { durationMs } from '../../collector/sinks/duration.ts';

export interface RolloutCliOptions {
  candidate: string;
  baseline: string;
  since: string;
  influxUrl: string;
  database: string;
  json?: boolean;
  fprMax: number;
  fprRiseMax: number;
  detectionDropMax: number;
  latencyRatioMax: number;
  minDuration: string;
  minCleanLabelled: number;
  minStegoPerMethod: number;
  minLatencySamples: number;
}

const number = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${v}"`);
  return n;
};

const duration = (v: string): string => {
  try {
    durationMs(v);
    return v;
  } catch {
    throw new InvalidArgumentError(`expected a duration such as 2h or 90s, got "${v}"`);
  }
};

function rulesOf(o: RolloutCliOptions): GateRules {
  return {
    fprMax: o.fprMax,
    fprRiseMax: o.fprRiseMax,
    detectionDropMax: o.detectionDropMax,
    latencyRatioMax: o.latencyRatioMax,
    minDurationMs: durationMs(o.minDuration),
    minCleanLabelled: o.minCleanLabelled,
    minStegoPerMethod: o.minStegoPerMethod,
    minLatencySamples: o.minLatencySamples,
  };
}

/** The judgement of the stored comparison; what both subcommands (and tests) run. */
export async function judgeStored(o: RolloutCliOptions): Promise<GateResult> {
  const influx = new InfluxQL({ url: o.influxUrl, db: o.database, token: process.env.STARWATCH_INFLUX_TOKEN, username: process.env.STARWATCH_INFLUX_USERNAME, password: process.env.STARWATCH_INFLUX_PASSWORD });
  const stored = await readComparison((q) => influx.query(q), o.baseline, o.candidate, Date.now() - durationMs(o.since));
  return judgeRollout(stored.total, stored.spanMs, rulesOf(o));
}

export function gateText(o: Pick<RolloutCliOptions, 'candidate' | 'baseline'>, r: GateResult): string {
  const head = { go: 'GO', 'no-go': 'NO-GO', wait: 'WAIT (not enough evidence yet)' }[r.verdict];
  const lines = [`rollout ${o.candidate} over ${o.baseline}: ${head}, ${Math.floor(r.spanMs / 60_000)} min compared`];
  if (r.broken.length > 0) lines.push(`broken: ${r.broken.join(', ')}`);
  for (const m of r.missing) lines.push(`needs ${m}`);
  return lines.join('\n');
}

export function statusTable(r: GateResult): string {
  const rows = [['rule', 'state', 'measured', 'limit'], ...r.rules.map((x) => [x.rule, x.state, x.measured, x.limit])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function addOptions(command: Command): Command {
  return command
    .requiredOption('--candidate <version>', 'the candidate model version')
    .requiredOption('--baseline <version>', 'the baseline (primary) model version')
    .option('--since <duration>', 'how far back the comparison is read', duration, '24h')
    .option('--influx-url <url>', 'InfluxDB URL (credentials: env STARWATCH_INFLUX_TOKEN or _USERNAME/_PASSWORD)', DEFAULTS.influx.url)
    .option('--database <name>', 'InfluxDB database', DEFAULTS.influx.database)
    .option('--fpr-max <x>', 'highest candidate FPR', number, GATE_DEFAULTS.fprMax)
    .option('--fpr-rise-max <x>', 'highest FPR rise over the baseline', number, GATE_DEFAULTS.fprRiseMax)
    .option('--detection-drop-max <x>', 'largest detection drop per method below the baseline', number, GATE_DEFAULTS.detectionDropMax)
    .option('--latency-ratio-max <x>', 'highest candidate/baseline p95 latency', number, GATE_DEFAULTS.latencyRatioMax)
    .option('--min-duration <duration>', 'shortest comparison judged', duration, '2h')
    .option('--min-clean-labelled <n>', 'fewest clean labelled requests per side (0: what shows --fpr-max)', number, GATE_DEFAULTS.minCleanLabelled)
    .option('--min-stego-per-method <n>', 'fewest labelled stego per method per side', number, GATE_DEFAULTS.minStegoPerMethod)
    .option('--min-latency-samples <n>', 'fewest scored requests per side for the latency rule', number, GATE_DEFAULTS.minLatencySamples)
    .option('--json', 'print the judgement as JSON');
}

export function registerRollout(program: Command): void {
  const rollout = program.command('rollout').description('Judge a model rollout (shadow or canary) on the collector\'s comparison');
  addOptions(rollout.command('gate').description('Exit 0 go, 1 no-go (naming the broken rules), 2 not enough evidence yet')).action(async (o: RolloutCliOptions) => {
    const r = await judgeStored(o).catch((e: Error) => {
      process.stderr.write(`starwatch rollout gate: ${e.message}\n`);
      process.exit(3);
    });
    process.stdout.write(`${o.json ? JSON.stringify(r) : gateText(o, r)}\n`);
    process.exitCode = r.exitCode;
  });
  addOptions(rollout.command('status').description('The gate\'s rules as a table')).action(async (o: RolloutCliOptions) => {
    const r = await judgeStored(o).catch((e: Error) => {
      process.stderr.write(`starwatch rollout status: ${e.message}\n`);
      process.exit(3);
    });
    process.stdout.write(`${o.json ? JSON.stringify(r) : `${gateText(o, r)}\n\n${statusTable(r)}`}\n`);
  });
}
