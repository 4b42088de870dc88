// The whole collector as the demo runs it: the pipeline and its analysis stage (startCollector:
// anomalies, forecasts, alerts, the agents' heartbeats), and the HTTP API with the live page and
// WebSocket on one port; everything the live feed shows is wired to the hub.
import { connect, type NatsConnection } from 'nats';
import type { AlertNotification } from '../../collector/alerts/notification.ts';
import { ALERTS_SUBJECT } from '../../schemas/subjects.ts';
import type { Subscription } from 'rxjs';
import { startApi, type RunningApi } from '../../collector/api/start.ts';
import { DEFAULTS, type CollectorConfig } from '../../collector/config.ts';
import type { Logger } from '../../collector/log.ts';
import { connectLiveFeed } from '../../collector/live/feed.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';

export interface DemoCollectorOptions {
  natsUrl: string;
  influxUrl: string;
  database: string;
  /** Port of the API, live page and WebSocket (0 picks a free one). */
  port: number;
  token: string;
  log: Logger;
  /** How long a threshold alert must hold before it fires. */
  alertForMs: number;
  /** Unset: no latency threshold; the latency_p95 anomaly notifies instead. */
  latencyP95MaxMs?: number;
  /** This run's folder: the demo's copy of the model's baseline goes there. */
  runDir: string;
  /** The reference model's validation on the demo corpus (validation.ts): what it is judged against. */
  baselineFile: string;
  /** Seconds of steady traffic before the incident: the detectors' warm-up and drift reference fit in it. */
  incidentAfterS: number;
}

export interface DemoCollector {
  handle: CollectorHandle;
  api: RunningApi;
  /** Calls `on` with each notification the collector sends (read off starwatch.v1.alerts). */
  notifications$(on: (n: AlertNotification, count: number) => void): { count(): number; stop(): void };
  /** The API and WebSocket token. */
  token: string;
  stop(): Promise<void>;
}

export function demoCollectorConfig(o: Omit<DemoCollectorOptions, 'port' | 'token' | 'log'>): CollectorConfig {
  const config = structuredClone(DEFAULTS);
  config.nats.url = o.natsUrl;
  config.influx.url = o.influxUrl;
  config.influx.database = o.database;
  // A demo wants to see windows soon after they end: flush often, close windows quickly.
  config.influx.flushIntervalMs = 200;
  config.windows.allowedLatenessMs = 1000;
  config.windows.idleGraceMs = 1000;
  config.http.port = 0;
  config.sampleEventsPerSecond = 20;
  // The shadow comparison in 10 s windows, so the Rollout board fills within the demo's first minute.
  config.rollout.windowMs = 10_000;
  config.rollout.closeAfterMs = 2000;
  config.alerts.forMs = o.alertForMs;
  config.alerts.latencyP95MaxMs = o.latencyP95MaxMs ?? Number.POSITIVE_INFINITY;
  // Judged against its validation baseline: the known shortfalls are one standing notice, and only
  // a regression from them pages. Latency is judged by its anomaly: the validation's p95 is one
  // thread straight through the model, not a served request on a busy laptop.
  config.alerts.baselineFile = o.baselineFile;
  config.alerts.anomalyNotify = 'latency_p95';
  // An incident must be told within seconds of its first window; alerts of one evaluation are
  // still one notification per group, and later changes wait the group interval.
  config.alerts.groupWaitMs = 0;
  // One incident, one notification: what it sets off at once (a latency anomaly, and an FPR
  // regression when its large images are flagged) is told together, per scope.
  config.alerts.groupBy = 'scope';
  config.alerts.keepFiringForMs = 30_000;
  // Production waits minutes before it flags or forecasts; a demo of a minute or two cannot. The
  // detectors warm up and the drift reference forms on the steady traffic before the incident
  // (windows of 10 s, the first one partial), and forecasts run on 10 s windows from the 4th.
  const steadyWindows = Math.max(2, Math.floor(o.incidentAfterS / 10) - 1);
  config.analysis = {
    detectorWarmupWindows: steadyWindows,
    driftReferenceWindows: steadyWindows,
    forecastGranularity: '10s',
    forecastMinPoints: 4,
    forecastRefitEvery: 6,
    newScopesPerWindow: config.analysis.newScopesPerWindow,
  };
  return config;
}

export async function startDemoCollector(o: DemoCollectorOptions): Promise<DemoCollector> {
  const config = demoCollectorConfig(o);
  const handle = await startCollector(config, o.log);
  let nc: NatsConnection | undefined;
  let api: RunningApi | undefined;
  let feed: Subscription | undefined;
  try {
    nc = await connect({ servers: o.natsUrl, name: 'starwatch-demo-collector-api', maxReconnectAttempts: -1 });
    api = await startApi({ port: o.port, token: o.token, nats: nc, influx: { url: o.influxUrl, db: o.database }, silences: handle.analysis.silences });
    const { anomaly$, alert$, forecast$ } = handle.analysis;
    feed = connectLiveFeed(api.hub, { window$: handle.window$, events$: handle.events$, anomaly$, alert$, forecast$ });
  } catch (e) {
    feed?.unsubscribe();
    await api?.close();
    await nc?.close();
    await handle.stop();
    throw e;
  }
  const running = { nc, api, feed };
  const connection = nc;
  return {
    handle,
    api,
    token: o.token,
    notifications$(on) {
      let count = 0;
      const sub = connection.subscribe(ALERTS_SUBJECT, {
        callback: (_err, m) => {
          if (!m) return;
          try {
            on(JSON.parse(new TextDecoder().decode(m.data)) as AlertNotification, ++count);
          } catch {
            // not a notification: nothing to report
          }
        },
      });
      return { count: () => count, stop: () => sub.unsubscribe() };
    },
    async stop() {
      running.feed.unsubscribe();
      await running.api.close();
      await handle.stop(); // the pipeline, then its analysis stage
      await running.nc.drain().catch(() => running.nc.close());
    },
  };
}
