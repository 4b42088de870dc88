// starwatch demo: the whole system on one machine — nats-server and influxd, the agent with the
// reference model, the collector with its API, live page and WebSocket, labelled traffic, and an
// incident after a quiet start — until Ctrl-C or --duration; then everything is stopped.
import type { Command } from 'commander';
import { MissingBinariesError, checkBinaries } from '../../deploy/demo/services.ts';
import { INCIDENT_KINDS, parseIncidentKind } from '../../deploy/demo/incident.ts';
import { DEMO_DEFAULTS, type DemoOptions } from '../../deploy/demo/options.ts';
import { startDemo, type RunningDemo, type Say } from '../../deploy/demo/run.ts';
import { nonNegativeInt, port } from './number-options.ts';

interface DemoFlags {
  duration?: number;
  incidentAfter: number;
  incident: string;
  rate: number;
  port: number;
  data: string;
  corpus: number;
  alertFor: number;
  latencyMax?: number;
  incidentFor: number;
  json?: boolean;
  shadowShare: number;
  lateLabelEvery: number;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`expected seconds (a number >= 0), got "${value}"`);
  return n;
}

function shadowShare(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new Error(`expected a share in [0, 1], got "${value}"`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a number above 0, got "${value}"`);
  return n;
}

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 10) throw new Error(`expected a whole number of at least 10, got "${value}"`);
  return n;
}

export function registerDemo(program: Command): void {
  const d = DEMO_DEFAULTS;
  program
    .command('demo')
    .description('Run everything locally (NATS, InfluxDB, agent, collector, live page) with labelled traffic and an injected incident')
    .option('--duration <s>', 'stop after this many seconds (default: run until Ctrl-C)', seconds)
    .option('--incident-after <s>', 'seconds of steady traffic before the incident (it starts on the next 10 s window boundary)', seconds, d.incidentAfterS)
    .option('--incident <kind>', `what goes wrong: ${INCIDENT_KINDS.join(', ')}`, d.incident)
    .option('--rate <n>', 'scan requests per second', positive, d.rate)
    .option('--port <p>', 'port of the live page, WebSocket and HTTP API (0: any free one)', port, d.port)
    .option('--data <dir>', 'folder for the corpus (kept) and the services of each run (removed after)', d.dataDir)
    .option('--corpus <n>', 'images in the generated corpus', whole, d.corpusSize)
    .option('--alert-for <s>', 'seconds a threshold must hold before its alert fires', seconds, d.alertForS)
    .option('--latency-max <ms>', 'p95 latency target (ms) a threshold alert checks (default: none; the latency anomaly notifies)', positive)
    .option('--incident-for <s>', 'seconds the incident lasts', seconds, d.incidentForS)
    .option('--json', 'one JSON object per line instead of text')
    .option('--shadow-share <x>', 'share of requests the int8 reference model scores in shadow (the Rollout board; 0: none)', shadowShare, d.shadowShare)
    .option('--late-label-every <n>', 'every n-th request goes without its label, sent a few seconds later as a late label (0: none)', nonNegativeInt, d.lateLabelEvery)
    .action(async (flags: DemoFlags) => {
      // Exit outright: everything is stopped by now, and a client library's retry timer (left
      // behind when a service died first, as with Ctrl-C in a terminal) must not keep us up.
      process.exit(await demoCommand(flags));
    });
}

async function demoCommand(flags: DemoFlags): Promise<number> {
  const say: Say = flags.json
    ? (event, fields) => process.stdout.write(JSON.stringify({ event, ts: new Date().toISOString(), ...fields }) + '\n')
    : (_event, _fields, text) => process.stdout.write(text + '\n');
  let options: DemoOptions;
  try {
    checkBinaries();
    options = {
      durationS: flags.duration,
      incidentAfterS: flags.incidentAfter,
      incident: parseIncidentKind(flags.incident),
      rate: flags.rate,
      port: flags.port,
      dataDir: flags.data,
      corpusSize: flags.corpus,
      alertForS: flags.alertFor,
      latencyP95MaxMs: flags.latencyMax,
      incidentForS: flags.incidentFor,
      json: Boolean(flags.json),
      shadowShare: flags.shadowShare,
      lateLabelEvery: flags.lateLabelEvery,
    };
  } catch (e) {
    return fail(say, e, 1, flags.json);
  }

  // Signals are caught from the start, so a Ctrl-C during start-up still stops what has started.
  let signalled: ((signal: string) => void) | undefined;
  let early: string | undefined;
  const onSignal = (signal: string) => (signalled ? signalled(signal) : (early = signal));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let demo: RunningDemo;
  try {
    demo = await startDemo(options, say);
  } catch (e) {
    return fail(say, e, e instanceof MissingBinariesError ? 1 : 2, flags.json);
  }
  const signal = await new Promise<string | undefined>((resolve) => {
    if (early) return resolve(early);
    signalled = resolve;
    void demo.finished.then(() => resolve(undefined));
  });
  say('stopping', { signal: signal ?? 'duration' }, signal ? `${signal}: stopping...` : 'duration reached: stopping...');
  // A second signal while stopping means "now": kill the services outright rather than leave them behind.
  signalled = () => {
    for (const pid of demo.info.pids) killQuietly(pid);
    process.exit(130);
  };
  await demo.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}

function fail(say: Say, e: unknown, code: number, json = false): number {
  const error = e as Error & { code?: string };
  if (json) say('error', { code: error.code ?? 'DEMO_FAILED', message: error.message }, '');
  else process.stderr.write(`starwatch demo: ${error.message}\n`);
  return code;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
