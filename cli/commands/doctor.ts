// starwatch doctor: checks a live deployment end to end and prints a checklist with the fix for
// each failure. Exit 0 when nothing failed (warnings allowed), 1 otherwise.
import type { Command } from 'commander';
import { DEFAULTS, loadConfig } from '../../collector/config.ts';
import { checklistText, runDoctor } from '../../doctor/run.ts';
import { positiveInt } from './scan.ts';

interface DoctorFlags {
  agent: string[];
  collector: string;
  nats: string;
  natsCreds?: string;
  durable: string;
  influxUrl: string;
  database: string;
  maxPending: number;
  heartbeatWaitS: number;
  maxSkewMs: number;
  writtenWithinS: number;
  timeoutMs: number;
  json?: boolean;
  config?: string;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check a live deployment end to end (agents, NATS, collector, InfluxDB) and say how to fix what fails')
    .option('--agent <urls...>', 'agent HTTP base URLs', ['http://127.0.0.1:8080'])
    .option('--collector <url>', 'collector HTTP base URL (metrics and probes port)', `http://127.0.0.1:${DEFAULTS.http.port}`)
    .option('--nats <urls>', 'NATS servers, comma-separated (token: env STARWATCH_NATS_TOKEN)', DEFAULTS.nats.url)
    .option('--nats-creds <file>', 'NATS credentials file')
    .option('--durable <name>', "the collector's durable consumer", DEFAULTS.nats.durable)
    .option('--influx-url <url>', 'InfluxDB URL (token: env STARWATCH_INFLUX_TOKEN)', DEFAULTS.influx.url)
    .option('--database <name>', 'InfluxDB database', DEFAULTS.influx.database)
    .option('--max-pending <n>', 'consumer backlog beyond which the collector counts as lagging', positiveInt, 10_000)
    .option('--heartbeat-wait-s <n>', 'how long to listen for agent heartbeats', positiveInt, 12)
    .option('--max-skew-ms <n>', 'largest clock difference allowed between an agent and this machine', positiveInt, 2000)
    .option('--written-within-s <n>', 'the newest window must be younger than this', positiveInt, 180)
    .option('--timeout-ms <n>', 'deadline of each request', positiveInt, 5000)
    .option('--json', 'print the checks as JSON')
    .option('--config <file>', "the collector's JSON config (env STARWATCH_CONFIG; STARWATCH_* env as for the collector): its notifiers get a test notification, its retention policies are checked and the boards built for them")
    .action(async (flags: DoctorFlags) => {
      const config = loadConfig({ env: process.env, file: flags.config ?? process.env.STARWATCH_CONFIG });
      const results = await runDoctor({
        agents: flags.agent,
        collector: flags.collector,
        nats: { servers: flags.nats.split(',').map((s) => s.trim()).filter(Boolean), token: process.env.STARWATCH_NATS_TOKEN, credsFile: flags.natsCreds },
        durable: flags.durable,
        influx: { url: flags.influxUrl, database: flags.database, token: process.env.STARWATCH_INFLUX_TOKEN },
        retentionPolicies: [config.influx.rpRaw, config.influx.rpWindows],
        policies: { raw: config.influx.rpRaw, windows: config.influx.rpWindows },
        alerts: config.alerts,
        maxPending: flags.maxPending,
        heartbeatWaitMs: flags.heartbeatWaitS * 1000,
        maxSkewMs: flags.maxSkewMs,
        writtenWithinS: flags.writtenWithinS,
        timeoutMs: flags.timeoutMs,
      });
      process.stdout.write((flags.json ? JSON.stringify(results, null, 2) : checklistText(results)) + '\n');
      process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
