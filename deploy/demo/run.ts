// One demo run: services, collector, agent, traffic, the incident on schedule, a status line now
// and then, and a clean stop of everything it started (in reverse order).
import { byLevel } from '../../log/logger.ts';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgentServer, type RunningAgent } from '../../agent/server/start.ts';
import type { Logger as AgentLogger } from '../../log/logger.ts';
import { createLogger } from '../../collector/log.ts';
import { LIVE_PATH } from '../../collector/api/server.ts';
import { liveAlert } from '../../collector/live/feed.ts';
import { STANDING_RULE } from '../../collector/alerts/standing.ts';
import { PAGE_PREFIX } from '../../collector/page/serve.ts';
import { startDemoCollector, type DemoCollector } from './collector.ts';
import { ensureCorpus, loadCorpus, type CorpusItem } from './corpus.ts';
import { INCIDENT_HELP, prepareIncident } from './incident.ts';
import { incidentStartMs, incidentTiming } from './incident-timing.ts';
import { DEMO_AGENT_ID, DEMO_CANDIDATE_MODEL, DEMO_DATABASE, type DemoOptions } from './options.ts';
import { startDemoServices, type DemoServices } from './services.ts';
import { LateLabeller } from './late-labels.ts';
import { TrafficGenerator } from './traffic.ts';
import { publishValidationRun, validateCorpus, writeDemoBaseline } from './validation.ts';

/** One line of output: `event` and `fields` for --json, `text` for people. */
export type Say = (event: string, fields: Record<string, unknown>, text: string) => void;

export interface DemoInfo {
  livePage: string;
  webSocket: string;
  api: string;
  token: string;
  influxUrl: string;
  database: string;
  natsUrl: string;
  agentUrl: string;
  grafanaProvisioning: string;
  grafanaDashboards: string;
  runDir: string;
  /** Of the service processes, so callers can check nothing is left behind. */
  pids: number[];
}

export interface RunningDemo {
  info: DemoInfo;
  traffic: TrafficGenerator;
  /** Resolves when --duration has passed (never without one). */
  finished: Promise<void>;
  stop(): Promise<void>;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const STATUS_EVERY_MS = 10_000;

export async function startDemo(o: DemoOptions, say: Say): Promise<RunningDemo> {
  const runDir = prepareRunDir(o.dataDir);
  const undo: Array<() => Promise<void> | void> = [];
  const logs: WriteStream[] = [];
  const logFile = (name: string): WriteStream => {
    const stream = createWriteStream(join(runDir, name), { flags: 'a' });
    logs.push(stream);
    return stream;
  };
  const stopAll = async (): Promise<void> => {
    for (const step of undo.reverse()) await step();
    undo.length = 0;
    await Promise.all(logs.map((s) => new Promise((r) => s.end(r))));
  };

  try {
    const corpusDir = join(o.dataDir, 'corpus');
    const starting = startDemoServices(runDir).then((s) => (undo.push(() => s.stop()), s));
    const generating = ensureCorpus(corpusDir, o.corpusSize, progress(say, o.corpusSize));
    // Both settle before either failure is thrown, so services that did start get stopped.
    await Promise.allSettled([starting, generating]);
    const [services, corpusState] = [await starting, await generating];
    if (corpusState.generated) say('corpus', { dir: corpusDir, count: o.corpusSize }, `generated a labelled corpus of ${o.corpusSize} images in ${corpusDir}`);
    const validation = await validateCorpus(corpusDir);
    const collectorLog = logFile('collector.log');
    const collector = await startDemoCollector({
      natsUrl: services.nats.url,
      influxUrl: services.influx.url,
      database: DEMO_DATABASE,
      port: o.port,
      token: process.env.STARWATCH_API_TOKEN || randomBytes(16).toString('hex'),
      log: createLogger('info', (line) => collectorLog.write(line)),
      alertForMs: o.alertForS * 1000,
      latencyP95MaxMs: o.latencyP95MaxMs,
      incidentAfterS: o.incidentAfterS,
      runDir,
      baselineFile: writeDemoBaseline(validation, runDir),
    });
    undo.push(() => collector.stop());
    const agent = await startAgent(services, logFile('agent.log'), o.shadowShare);
    undo.push(() => agent.close(2000));

    const corpus = await loadCorpus(corpusDir);
    const incident = await prepareIncident(o.incident, corpus);
    await warmUp(agent, corpus);
    const published = await publishValidationRun(validation, services.nats.url);
    say('validation', { events: published.eventsSent, complete: published.complete }, `validation run published: ${published.eventsSent} labelled results`);
    const reviewer = await LateLabeller.start({ natsUrl: services.nats.url });
    undo.push(() => reviewer.stop());
    const traffic = new TrafficGenerator({ agentUrl: agent.url, rate: o.rate, corpus, lateLabelEvery: o.lateLabelEvery, onHeldBack: (label) => reviewer.hold(label) });
    traffic.start();
    undo.push(() => traffic.stop());

    const info = describe(services, collector, agent, runDir);
    announce(info, o, say);
    let injectedAtMs: number | null = null;
    let toldAtMs: number | null = null;
    const inject = (): void => {
      injectedAtMs = Date.now();
      traffic.inject(incident);
    };
    const timers = schedule(o, say, traffic, inject, collector, reviewer);
    const told = collector.notifications$((n, count) => {
      const at = timers.elapsed();
      say('notification', { at_s: at, count, notification: n }, `*** notification ${count}: ${n.status} ${n.severity} ${n.group ?? n.rule}: ${n.summary}`);
      if (toldAtMs !== null || injectedAtMs === null || n.status !== 'firing' || n.rule === STANDING_RULE) return;
      toldAtMs = Date.now();
      const t = incidentTiming(injectedAtMs, toldAtMs);
      say(
        'incident_told',
        { at_s: at, first_window_start: new Date(t.firstWindowStartMs).toISOString(), after_first_window_s: t.toldAfterFirstWindowS, after_injection_s: t.toldAfterInjectionS },
        `the incident was told ${t.toldAfterFirstWindowS} s after the start of its first 10 s window (${t.toldAfterInjectionS} s after it began)`,
      );
    });
    undo.push(() => told.stop());
    undo.push(() => timers.clear());

    let stopping: Promise<void> | undefined;
    return {
      info,
      traffic,
      finished: timers.finished,
      stop: () =>
        (stopping ??= (async () => {
          const sent = traffic.stats();
          const lateLabels = reviewer.stats();
          const notifications = told.count();
          // Seconds from the incident's first affected window (and from its start) to its first notification (null: never told).
          const timing = injectedAtMs === null ? null : incidentTiming(injectedAtMs, toldAtMs);
          const incidentNotifiedAfterS = timing?.toldAfterInjectionS ?? null;
          const afterFirstWindowS = timing?.toldAfterFirstWindowS ?? null;
          await stopAll();
          rmSync(runDir, { recursive: true, force: true });
          say(
            'stopped',
            { traffic: sent, late_labels: lateLabels, notifications, incident_notified_after_s: incidentNotifiedAfterS, incident_told_after_first_window_s: afterFirstWindowS },
            `stopped: ${sent.sent} requests sent, ${sent.skipped} skipped, ${sent.missed} missed, ${notifications} notifications (the incident told ${afterFirstWindowS ?? '-'} s after its first window began, ${incidentNotifiedAfterS ?? '-'} s after it began); all services stopped`,
          );
        })()),
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** data/runs/<pid>: this run's service storage and logs; folders of runs whose process is gone are removed. */
function prepareRunDir(dataDir: string): string {
  const runs = join(dataDir, 'runs');
  mkdirSync(runs, { recursive: true });
  for (const name of readdirSync(runs)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(runs, name), { recursive: true, force: true });
  }
  const dir = join(runs, String(process.pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function progress(say: Say, total: number): (done: number) => void {
  let shown = 0;
  return (done) => {
    if (done === 1) say('corpus_generating', { total }, `generating a labelled corpus of ${total} images (first run only)...`);
    if (done - shown >= Math.max(1, Math.floor(total / 5)) || done === total) {
      shown = done;
      say('corpus_progress', { done, total }, `  ${done}/${total}`);
    }
  };
}

async function startAgent(services: DemoServices, log: WriteStream, shadowShare: number): Promise<RunningAgent> {
  const logger: AgentLogger = byLevel((level, m) => log.write(`${level === 'info' ? '' : `${level}: `}${m}\n`));
  return startAgentServer({
    nats: { servers: [services.nats.url] },
    agentId: DEMO_AGENT_ID,
    port: 0,
    host: '127.0.0.1',
    batchMs: 50,
    heartbeatMs: 2000,
    logger,
    // The int8 model in shadow fills the Rollout board; it scores after each answer went out.
    rollout: shadowShare > 0 ? { candidateModel: DEMO_CANDIDATE_MODEL, shadowShare } : undefined,
  });
}

/**
 * A few scans of each input format straight through the V4 path (no events): the first windows
 * then measure steady work, not one-time start-up costs (JIT, thread pools, first model runs),
 * which would otherwise look like a latency incident before the real one.
 */
async function warmUp(agent: RunningAgent, corpus: CorpusItem[]): Promise<void> {
  const path = agent.agent.path;
  if (!path) return;
  const oneOfEach = [...new Map(corpus.map((item) => [item.label.format, item])).values()];
  for (let round = 0; round < 3; round++) for (const item of oneOfEach) await path.scan(item.bytes).catch(() => undefined);
}

function describe(services: DemoServices, collector: DemoCollector, agent: RunningAgent, runDir: string): DemoInfo {
  const api = collector.api.url;
  const token = collector.token;
  return {
    livePage: `${api}${PAGE_PREFIX}#token=${token}`,
    webSocket: `${api.replace(/^http/, 'ws')}${LIVE_PATH}?token=${token}`,
    api,
    token,
    influxUrl: services.influx.url,
    database: DEMO_DATABASE,
    natsUrl: services.nats.url,
    agentUrl: agent.url,
    grafanaProvisioning: join(REPO, 'grafana', 'provisioning'),
    grafanaDashboards: join(REPO, 'grafana', 'dashboards'),
    runDir,
    pids: [services.nats.process.child.pid, services.influx.process.child.pid].filter((p): p is number => p !== undefined),
  };
}

function announce(info: DemoInfo, o: DemoOptions, say: Say): void {
  const lines = [
    '',
    'Starwatch demo is running.',
    `  live page     ${info.livePage}`,
    `  WebSocket     ${info.webSocket}  (topics: windows.>, alerts, anomalies, forecasts, events.sample)`,
    `  HTTP API      ${info.api}  (Authorization: Bearer ${info.token})`,
    `  InfluxDB      ${info.influxUrl}  database "${info.database}" (raw events: "raw"."inference")`,
    `  NATS          ${info.natsUrl}`,
    `  agent         ${info.agentUrl}/v1/scan  (/metrics, /readyz)`,
    `  Grafana       provisioning ${info.grafanaProvisioning}`,
    `                dashboards   ${info.grafanaDashboards}`,
    `                (set STARWATCH_GRAFANA_INFLUX_URL=${info.influxUrl} for the datasource)`,
    `  traffic       ${o.rate} labelled scans/s; incident "${o.incident}" after ${o.incidentAfterS} s: ${INCIDENT_HELP[o.incident]}`,
    `  stop with     Ctrl-C${o.durationS !== undefined ? ` (or it stops by itself after ${o.durationS} s)` : ''}`,
    '',
  ];
  say('ready', { ...info, incident: o.incident, incident_after_s: o.incidentAfterS, rate: o.rate }, lines.join('\n'));
}

interface Timers {
  finished: Promise<void>;
  /** Seconds since the traffic started. */
  elapsed(): number;
  clear(): void;
}

function schedule(o: DemoOptions, say: Say, traffic: TrafficGenerator, inject: () => void, collector: DemoCollector, reviewer: LateLabeller): Timers {
  const started = Date.now();
  const elapsed = (): number => Math.round((Date.now() - started) / 1000);
  const incidentInMs = incidentStartMs(started, o.incidentAfterS) - started;
  const incidentTimer = setTimeout(() => {
    inject();
    say('incident', { kind: o.incident, at_s: elapsed() }, `>>> incident injected at ${elapsed()} s: ${o.incident} (${INCIDENT_HELP[o.incident]})`);
  }, incidentInMs);
  const incidentEndTimer = setTimeout(() => {
    traffic.endIncident();
    say('incident_over', { kind: o.incident, at_s: elapsed() }, `<<< incident over at ${elapsed()} s: steady traffic again`);
  }, incidentInMs + o.incidentForS * 1000);
  const status = setInterval(() => {
    const t = traffic.stats();
    const c = collector.handle.stats();
    const statuses = Object.entries(t.byStatus).map(([code, n]) => `${code}: ${n}`).join(', ');
    const l = reviewer.stats();
    say(
      'status',
      { at_s: elapsed(), traffic: t, collector: c, late_labels: l },
      `[${elapsed()} s] sent ${t.sent} (${statuses}), skipped ${t.skipped}, missed ${t.missed}; collector stored ${c.pointsAccepted} points from ${c.validEvents} events; late labels ${l.applied} applied of ${l.held} held back`,
    );
  }, STATUS_EVERY_MS);
  const alerts = collector.handle.analysis.alert$.subscribe((transition) => {
    if (transition.kind !== 'firing' && transition.kind !== 'resolved') return;
    const a = liveAlert(transition);
    say('alert', { alert: a }, `!!! alert ${a.kind}: ${a.rule} [${a.severity}] ${a.key}: ${a.message}`);
  });
  let endTimer: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve) => {
    if (o.durationS !== undefined) endTimer = setTimeout(resolve, o.durationS * 1000);
  });
  return {
    finished,
    elapsed,
    clear() {
      clearTimeout(incidentTimer);
      clearTimeout(incidentEndTimer);
      clearInterval(status);
      if (endTimer) clearTimeout(endTimer);
      alerts.unsubscribe();
    },
  };
}
