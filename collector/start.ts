// startCollector(config): connects NATS and InfluxDB, runs the pipeline and its analysis stage,
// writes validation summaries and agent heartbeats, serves /metrics, /healthz and /readyz on one port and (with a
// token) the HTTP API, live page and WebSocket feed on another, and returns a handle (window$,
// events$, sink, stop) for the CLI, the demo and tests.
// Two ports, not one: the probes and Prometheus need no token and stay inside the cluster, while
// the API is token-guarded and meant to be reached by people and their tools.
import type { Observable } from 'rxjs';
import type { InferenceEvent } from '../schemas/inference-event.ts';
import { DeadLetterPublisher } from './consume/dead-letters.ts';
import { startFlow } from './consume/flow.ts';
import { ensureStreams, type StreamSettings } from './consume/streams.ts';
import type { CollectorConfig } from './config.ts';
import { redacted } from './config.ts';
import { startHttp } from './http.ts';
import { startSinks } from './start-sinks.ts';
import { createLogger, type Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { Pipeline } from './pipeline.ts';
import { startAnalysis, type AnalysisHandle } from './analysis/start-analysis.ts';
import { watchNewScopeBudget } from './analysis/new-scope-budget.ts';
import { RateMeter } from './api/rate-meter.ts';
import { startApiFor } from './api/start-for-config.ts';
import { subscribeSideSubjects } from './side-subjects.ts';
import { connectLiveFeed } from './live/feed.ts';
import { influxQLFor, transportFor } from './sinks/transport-for.ts';
import { connectNats, watchNats } from './consume/connection.ts';
import { startWindowEngine } from './windows/start-engine.ts';
import { loadSavedReferences } from './drift/reference-store.ts';
import { TUNING_DEFAULTS } from './analysis/settings.ts';
import type { PointSink } from './sinks/sink.ts';
import { LatencySketch } from './windows/latency-sketch.ts';
import { MAX_MESSAGE_BYTES } from '../schemas/inference-event.ts';
import { SummarisedLog } from './consume/summarised-log.ts';
import { watchMaxDeliveries } from './consume/max-deliveries.ts';
import { durationMs } from './sinks/duration.ts';
import { untilDone, type Waiting } from './until-done.ts';
import { RolloutComparer } from './rollout/comparer.ts';
import { RolloutWatch } from './rollout/watch.ts';
import { gateRulesOf } from './rollout/settings.ts';
import { leaderOnly, startReplicaMode, type ClusterHandle } from './cluster/start-cluster.ts';
import { KeyBound, watchKeyBound } from './windows/key-bound.ts';
import type { WindowResult } from './windows/window-result.ts';

/** Dead-letter payloads are cut to this many characters. */
const MAX_PAYLOAD_CHARS = 65_536;

export interface CollectorStats {
  validEvents: number;
  acked: number;
  pendingAcks: number;
  lateEvents: number;
  /** Late events merged into a closed minute that was then written again. */
  lateMerged: number;
  pointsAccepted: number;
  writeErrors: number;
  sinkBacklog: number;
  eventDelayP99Ms: number;
}

export interface CollectorHandle {
  window$: Observable<WindowResult>;
  events$: Observable<InferenceEvent>;
  /** Write your own points (anomalies, forecasts, alerts...) through the collector's sink. */
  sink: PointSink;
  /** Anomalies, drift, forecasts and alerts on the closed windows (collector/analysis). */
  analysis: AnalysisHandle;
  /** http://host:port of /metrics, /healthz, /readyz. */
  httpUrl: string;
  /** http://host:port of the HTTP API, the live page (/live/) and the feed (/ws); null without api.token. */
  apiUrl: string | null;
  stats(): CollectorStats;
  /** Replica mode (cluster.enabled): leadership and merge progress. */
  cluster?: ClusterHandle;
  stop(): Promise<void>;
}

/**
 * Ack wait, derived: 10 s. A message is held until the 1 min window its events fall in closes
 * and is written, far longer than that; held messages are kept alive with +WPI every third of
 * the ack wait (one small publish per held message every 3.3 s), while InfluxDB is down too. A
 * short ack wait is what makes a restart after a crash quick: the dead instance's messages come
 * back within it, and the new instance closes no window until they have, so it is current again
 * about 10 s after it starts (it was 94 s with an ack wait that covered the whole hold).
 * max_ack_pending must cover the messages of a hold: at 1000 messages/s (100k events/s in
 * batches of 100) about 95 s -> 95k; the default is 200k.
 */
export const DERIVED_ACK_WAIT_MS = 10_000;

export function ackWaitMs(config: CollectorConfig): number {
  return config.nats.ackWaitMs > 0 ? config.nats.ackWaitMs : DERIVED_ACK_WAIT_MS;
}

/** The streams and durable consumer this config needs; tests and benches create them the same way. */
export function streamSettingsOf(config: CollectorConfig): StreamSettings {
  return {
    stream: config.nats.stream,
    deadLetterStream: config.nats.deadLetterStream,
    durable: config.nats.durable,
    ackWaitMs: ackWaitMs(config),
    maxAckPending: config.nats.maxAckPending,
    maxDeliver: config.nats.maxDeliver,
    maxAgeMs: config.nats.streamMaxAgeMs,
    maxBytes: config.nats.streamMaxBytes,
    maxMsgSize: MAX_MESSAGE_BYTES,
  };
}

/** Events older than this are refused at decode: InfluxDB drops points past the raw retention. */
export function maxPastMs(config: CollectorConfig): number | undefined {
  if (config.windows.maxPastMs > 0) return config.windows.maxPastMs;
  if (config.influx.version !== 1) return undefined;
  // A minute of margin for the clocks of the collector and influxd.
  return durationMs(config.influx.retentionRaw) - 60_000;
}

export interface StartOptions {
  /** Gives up a start that is still waiting for InfluxDB or NATS (the handle does not exist yet). */
  signal?: AbortSignal;
}

export async function startCollector(config: CollectorConfig, log?: Logger, options: StartOptions = {}): Promise<CollectorHandle> {
  const logger = log ?? createLogger(config.logLevel, undefined, { replica: config.replica });
  logger.info('collector_starting', { config: redacted(config) });

  const delay = LatencySketch.empty();
  // Probes answer from the start: /readyz is false (saying what for) while a store is away.
  const waiting: Waiting = { waitingFor: 'start', signal: options.signal };
  // What start-up opened so far, closed again (last first) when a wait is given up.
  const opened: (() => Promise<unknown>)[] = [];
  const step = <T>(what: string, attempt: () => Promise<T>): Promise<T> =>
    untilDone(what, attempt, waiting, logger).catch(async (e) => {
      for (const close of opened.reverse()) await close().catch(() => undefined);
      throw e;
    });
  let ready: (() => string | null) | undefined;
  let influxRef: PointSink | undefined;
  let pipelineRef: Pipeline | undefined;
  let deadLettersRef: DeadLetterPublisher | undefined;
  const metrics = createMetrics({
    pointsAccepted: () => influxRef?.stats.pointsAccepted ?? 0,
    writeErrors: () => influxRef?.stats.writeErrors ?? 0,
    pointsRejected: () => influxRef?.stats.pointsRejected ?? 0,
    delayP99Ms: () => (delay.count > 0 ? delay.percentileMs(99) : 0),
    deadLettersLost: () => deadLettersRef?.lost ?? 0,
  });
  const http = await startHttp(config.http.host, config.http.port, metrics.registry, {
    notReady: () => (waiting.waitingFor ? `starting: waiting for ${waiting.waitingFor}` : ready ? ready() : 'starting'),
  });
  const closeHttp = async () => {
    await new Promise<void>((r) => http.server.close(() => r()));
    http.server.closeAllConnections();
  };
  opened.push(closeHttp);
  const transport = await step('influxdb', () => transportFor(config.influx));
  const sinks = startSinks(config, transport, {
    // Each line InfluxDB refuses on its own becomes a letter; acks wait for it (Pipeline.release).
    onRejected: (target, line, reason) =>
      pipelineRef?.deadLetterLater({ v: 1, code: 'influx_rejected', reason: reason.slice(0, 1000), origin: { subject: `influxdb.${target}` }, payload: line.slice(0, MAX_PAYLOAD_CHARS) }),
    onAccepted: (origins, now) => {
      for (const origin of origins) delay.recordMs(Math.max(0, now - origin));
    },
  }, metrics.registry, logger);
  influxRef = sinks.influx;
  const sink = sinks.all;
  opened.push(() => sink.close(0));

  const nc = await step('nats', () => connectNats(config.nats, config.replica));
  opened.push(() => nc.close());
  let natsUp = true;
  void watchNats(nc, logger, (up) => (natsUp = up));
  const streamSettings = streamSettingsOf(config);
  const jsm = await nc.jetstreamManager();
  const pendingAtStart = await step('jetstream', async () => {
    await ensureStreams(jsm, streamSettings);
    return (await jsm.consumers.info(config.nats.stream, config.nats.durable)).num_ack_pending;
  });
  const js = nc.jetstream();

  const wait = ackWaitMs(config);
  const influxQL = influxQLFor(config.influx);
  const { engine, marks } = await startWindowEngine({ config, nc, influxQL, pendingAtStart, ackWaitMs: wait, step, log: logger });
  const deadLetterFailures = new SummarisedLog(logger, 'dead_letter_publish_failed');
  const deadLetters = new DeadLetterPublisher(js, (error, attempt) => deadLetterFailures.warn(String(attempt), { error: error.message, attempt }));
  deadLettersRef = deadLetters;
  // Replica mode: windows merged across replicas; analysis and feed run on the merged ones.
  const cluster = config.cluster.enabled
    ? await startReplicaMode({ config, ackWaitMs: wait, nc, engine, held: () => pipelineRef?.book.seqs() ?? [], heldCount: () => pipelineRef?.book.size ?? 0, sink, log: logger, registry: metrics.registry })
    : undefined;
  const keys = new KeyBound(config.windows);
  const stopKeyWatch = watchKeyBound(keys, metrics.registry, logger);
  const rollout = new RolloutComparer(sink, config.rollout);
  new RolloutWatch({ comparer: rollout, rules: gateRulesOf(config.rollout), sink, publish: (subject, data) => nc.publish(subject, data), webhook: config.rollout.rollbackWebhook, log: logger });
  const pipeline = new Pipeline({
    rollout,
    keys,
    nc,
    engine,
    sink,
    deadLetters,
    metrics,
    log: logger,
    limits: { maxFutureMs: config.windows.maxFutureMs, maxPayloadChars: MAX_PAYLOAD_CHARS, maxMessageBytes: MAX_MESSAGE_BYTES, maxPastMs: maxPastMs(config) },
    sampleEventsPerSecond: config.sampleEventsPerSecond,
    cluster,
    marks,
  });
  pipelineRef = pipeline;
  const window$ = cluster?.window$ ?? pipeline.window$;
  const maxDeliveries = watchMaxDeliveries({ nc, jsm, stream: config.nats.stream, durable: config.nats.durable, onPoison: (letter) => {
    metrics.maxDeliveries.inc();
    void pipeline.deadLetter(letter);
  } });
  // Drift is judged on the detectors' windows (not configurable, so the default).
  const driftReferences = config.influx.version === 1 ? await loadSavedReferences(influxQL, config.influx.rpWindows, TUNING_DEFAULTS.detectGranularity, logger) : undefined;
  const analysis = await startAnalysis({ window$, sink: cluster ? leaderOnly(sink, cluster) : sink, claim: cluster?.claimNotification, natsPublish: (subject, data) => nc.publish(subject, data), settings: config.alerts, tuning: config.analysis, log: logger, nats: nc, replica: config.replica, driftReferences })
    .catch(async (e) => { await sink.close(0); await nc.close(); await closeHttp(); throw e; });
  const stopScopeWatch = watchNewScopeBudget(() => analysis.scopesDeferred(), metrics.registry, logger);
  const sideSubjects = subscribeSideSubjects({ config, ackWaitMs: wait, nc, sink, deadLetters, metrics, influxQL, log: logger, maxPayloadChars: MAX_PAYLOAD_CHARS });
  const eventRate = new RateMeter();
  const api = await startApiFor(config, nc, logger, () => ({ events_per_s: eventRate.perSecond() }), metrics.registry, analysis.silences).catch(async (e) => {
    sideSubjects.stop();
    await analysis.stop();
    await sink.close(0);
    await nc.close();
    await closeHttp();
    throw e;
  });
  // Connected before the first pull, so the feed misses no window.
  const feed = api
    ? connectLiveFeed(api.hub, {
        window$,
        events$: pipeline.events$,
        anomaly$: analysis.anomaly$,
        alert$: analysis.alert$,
        forecast$: analysis.forecast$,
      })
    : null;

  const flow = startFlow(
    { stream: config.nats.stream, durable: config.nats.durable, fetchBatch: config.nats.fetchBatch, yieldAfterMs: config.nats.yieldAfterMs, maxAckPending: config.nats.maxAckPending, ackWaitMs: wait },
    {
      js,
      jsm,
      engine,
      metrics,
      log: logger,
      held: () => pipeline.book.size,
      sinkBacklog: () => sink.backlog,
      maxBacklog: config.influx.maxBacklogPoints,
      redelivered: () => pipeline.redelivered,
      onMessage: (msg, slice) => pipeline.handle(msg, slice),
      afterBatch: () => pipeline.advance(),
      // Batches fill up under load; once the stream is drained, the points go now, not at the
      // next flush interval (the last raw points of a burst waited up to influx.flushIntervalMs).
      onDrained: () => sink.sendOpen(),
      recover: () => ensureStreams(jsm, streamSettings),
    },
  );

  let countedEvents = 0;
  const clock = setInterval(() => {
    const now = Date.now();
    eventRate.mark(pipeline.validEvents - countedEvents);
    countedEvents = pipeline.validEvents;
    pipeline.advance(now);
    rollout.advance(now);
    pipeline.keepAlive(now, wait / 3);
    metrics.sinkBacklog.set(sink.backlog);
  }, 200);
  ready = () => {
    if (!natsUp) return 'nats disconnected';
    if (!flow.loop.bound) return 'consumer not bound';
    const failing = sink.stats.lastError !== null && sink.backlog > 0 && Date.now() - sink.stats.lastAcceptedMs > 15_000;
    return failing ? `influx writes failing: ${sink.stats.lastError}` : null;
  };
  logger.info('collector_started', { http: http.url, api: api?.url ?? null, ack_wait_ms: wait, durable: config.nats.durable });

  let stopping: Promise<void> | undefined;
  return {
    window$,
    events$: pipeline.events$.asObservable(),
    cluster,
    sink,
    analysis,
    httpUrl: http.url,
    apiUrl: api?.url ?? null,
    stats: () => ({
      validEvents: pipeline.validEvents,
      acked: pipeline.acked,
      pendingAcks: pipeline.book.size,
      lateEvents: engine.lateEvents,
      lateMerged: engine.lateMerged,
      pointsAccepted: sink.stats.pointsAccepted,
      writeErrors: sink.stats.writeErrors,
      sinkBacklog: sink.backlog,
      eventDelayP99Ms: delay.count > 0 ? delay.percentileMs(99) : 0,
    }),
    stop() {
      stopping ??= (async () => {
        feed?.unsubscribe();
        await api?.close();
        sideSubjects.stop();
        await flow.stop();
        clearInterval(clock);
        await pipeline.stop();
        await cluster?.stop();
        rollout.flush();
        maxDeliveries.unsubscribe();
        stopKeyWatch();
        stopScopeWatch();
        await analysis.stop();
        deadLetters.stop();
        deadLetterFailures.stop();
        await sink.close(5000);
        sinks.stopLogs();
        await nc.drain().catch(() => nc.close());
        await closeHttp();
        logger.info('collector_stopped', { acked: pipeline.acked });
      })();
      return stopping;
    },
  };
}
