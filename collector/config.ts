// Collector settings: one table names every setting once, with its flag, its environment
// variable and its default. Precedence: flags > environment (STARWATCH_*) > JSON file > defaults.
import { readFileSync } from 'node:fs';
import { checkTokenStrength } from './api/token-policy.ts';
import { ConfigError } from './config-error.ts';
import { EVENTS_STREAM_LIMITS } from '../schemas/subjects.ts';
import { CLUSTER_DEFAULTS, type ClusterSettings } from './cluster/settings.ts';
import { ALERT_DEFAULTS, TUNING_DEFAULTS, type AlertSettings, type AnalysisTuning } from './analysis/settings.ts';
import { ROLLOUT_DEFAULTS, type RolloutConfig } from './rollout/settings.ts';
import { LABELS_CONFIG_DEFAULTS, type LabelsConfig } from './labels/settings.ts';

export interface CollectorConfig {
  nats: {
    url: string;
    user?: string;
    pass?: string;
    token?: string;
    /** Identity beyond user/password (collector/consume/nats-identity.ts). */
    credsFile?: string;
    nkeySeedFile?: string;
    tlsCaFile?: string;
    tlsCertFile?: string;
    tlsKeyFile?: string;
    /** Refuse to connect without TLS even if the server does not offer it. */
    tlsRequired?: boolean;
    stream: string;
    deadLetterStream: string;
    durable: string;
    /** 0 = derived: the longest window + lateness + idle grace + margin (see start.ts). */
    ackWaitMs: number;
    maxAckPending: number;
    fetchBatch: number;
    /** The consume loop yields to the event loop after this long (keeps /healthz prompt under bad batches). */
    yieldAfterMs: number;
    /** Deliveries of one message at most (then dead-lettered as poison). */
    maxDeliver: number;
    /** NATS KV bucket of the closed-window marks that survive a crash on every sink (empty: none). */
    closedWindowsBucket: string;
    /** Bounds given to the events stream when it has none. */
    streamMaxAgeMs: number;
    streamMaxBytes: number;
  };
  influx: {
    version: 1 | 2;
    url: string;
    database: string;
    username?: string;
    password?: string;
    token?: string;
    org: string;
    bucketRaw: string;
    bucketWindows: string;
    /** Create the database and retention policies on start (InfluxDB 1.x, needs admin rights). */
    create: boolean;
    rpRaw: string;
    rpWindows: string;
    retentionRaw: string;
    retentionWindows: string;
    batchSize: number;
    maxInFlight: number;
    flushIntervalMs: number;
    timeoutMs: number;
    /** Stop pulling from NATS while this many points wait to be written. */
    maxBacklogPoints: number;
    /** Largest write request body; under the 1 MiB many proxies allow. */
    maxBodyBytes: number;
  };
  /** Prometheus remote write of the windows (collector/sinks/prometheus/); off without a URL. */
  prometheus: {
    /** e.g. http://prometheus:9090/api/v1/write ('' = off). */
    remoteWrite: string;
    /** Acks wait for Prometheus too (default false: optional, it never holds the stream back). */
    required: boolean;
    /** Window granularities written, comma separated (1s, 10s, 1m). */
    granularities: string;
    batchSeries: number;
    /** Series queued at most while Prometheus is slow or away; past it the oldest are dropped. */
    maxQueueSeries: number;
    flushIntervalMs: number;
    timeoutMs: number;
    /** The slowest event of each window as the exemplar of its max latency. */
    exemplars: boolean;
  };
  windows: {
    allowedLatenessMs: number;
    idleGraceMs: number;
    maxFutureMs: number;
    /** Tag limits (windows/key-bound.ts): past them, new values are folded into `_other`. */
    maxModelVersions: number;
    maxAgents: number;
    keyIdleMs: number;
    /** Refuse events older than this (0 = influx.retentionRaw, which InfluxDB enforces anyway). */
    maxPastMs: number;
    /** Closed minutes ending less than this behind the watermark take late events and are rewritten (0 = never). */
    rewriteHorizonMs: number;
  };
  /** Names this replica in `window` points; keep it stable across restarts. */
  replica: string;
  http: { host: string; port: number };
  /** The HTTP API, live page and WebSocket feed: a port apart from /metrics and the probes. */
  api: {
    host: string;
    port: number;
    /** Bearer token of the API and the feed. Without one the API does not start. Secret. */
    token?: string;
    /** Bearer token of POST /metrics/log (injecting events); without one that route is refused. Secret. */
    writeToken?: string;
    minTokenLength: number;
    authFailRatePerSec: number;
    authFailBurst: number;
    logRatePerSec: number;
    logBurst: number;
    maxClients: number;
  };
  sampleEventsPerSecond: number;
  /** Share of clean negative events kept as raw points (1 = all); positives, errors, labelled and probe events always are. */
  rawShare: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Alert thresholds, for-duration, baseline file and notifiers (collector/analysis/settings.ts). */
  alerts: AlertSettings;
  /** How soon detectors flag and forecasts start (collector/analysis/settings.ts); demos shorten these. */
  analysis: AnalysisConfig;
  /** Replica mode: partial windows merged exactly, analysis on one leader (collector/cluster). */
  cluster: ClusterSettings;
  /** Rollout comparison windows and the gate a running canary is watched with (collector/rollout). */
  rollout: RolloutConfig;
  /** Late labels (collector/labels). */
  labels: LabelsConfig;
}

export type AnalysisConfig = Pick<AnalysisTuning, 'detectorWarmupWindows' | 'forecastGranularity' | 'forecastMinPoints' | 'forecastRefitEvery' | 'driftReferenceWindows' | 'newScopesPerWindow'>;

type Kind = 'string' | 'number' | 'boolean';

interface Setting {
  path: string;
  kind: Kind;
  description: string;
  secret?: boolean;
}

export const SETTINGS: Setting[] = [
  { path: 'nats.url', kind: 'string', description: 'NATS server URL(s), comma separated' },
  { path: 'nats.user', kind: 'string', description: 'NATS user' },
  { path: 'nats.pass', kind: 'string', description: 'NATS password', secret: true },
  { path: 'nats.token', kind: 'string', description: 'NATS token', secret: true },
  { path: 'nats.credsFile', kind: 'string', description: 'NATS .creds file (user JWT + NKey seed)' },
  { path: 'nats.nkeySeedFile', kind: 'string', description: 'file holding the NATS NKey seed (SU...)' },
  { path: 'nats.tlsCaFile', kind: 'string', description: 'CA certificate (PEM) the NATS server must chain to' },
  { path: 'nats.tlsCertFile', kind: 'string', description: 'client certificate (PEM) for NATS TLS' },
  { path: 'nats.tlsKeyFile', kind: 'string', description: 'client key (PEM) for NATS TLS' },
  { path: 'nats.tlsRequired', kind: 'boolean', description: 'connect to NATS only over TLS' },
  { path: 'nats.stream', kind: 'string', description: 'JetStream stream of events' },
  { path: 'nats.deadLetterStream', kind: 'string', description: 'JetStream stream of dead letters' },
  { path: 'nats.durable', kind: 'string', description: 'durable consumer name (shared by replicas)' },
  { path: 'nats.ackWaitMs', kind: 'number', description: 'consumer ack wait in ms (0 = derived from the windows)' },
  { path: 'nats.maxAckPending', kind: 'number', description: 'consumer max ack pending (messages)' },
  { path: 'nats.fetchBatch', kind: 'number', description: 'messages per pull request' },
  { path: 'nats.closedWindowsBucket', kind: 'string', description: 'NATS KV bucket keeping closed-window marks across crashes, for every sink (empty: none)' },
  { path: 'nats.yieldAfterMs', kind: 'number', description: 'the consume loop lets HTTP in after handing over messages this long' },
  { path: 'nats.maxDeliver', kind: 'number', description: 'deliveries of a message at most, then dead-lettered' },
  { path: 'nats.streamMaxAgeMs', kind: 'number', description: 'events stream max age (ms), set when the stream has no bounds' },
  { path: 'nats.streamMaxBytes', kind: 'number', description: 'events stream max bytes, set when the stream has no bounds' },
  { path: 'influx.version', kind: 'number', description: 'InfluxDB API: 1 (/write) or 2 (/api/v2/write)' },
  { path: 'influx.url', kind: 'string', description: 'InfluxDB URL' },
  { path: 'influx.database', kind: 'string', description: 'InfluxDB 1.x database' },
  { path: 'influx.username', kind: 'string', description: 'InfluxDB 1.x user' },
  { path: 'influx.password', kind: 'string', description: 'InfluxDB 1.x password', secret: true },
  { path: 'influx.token', kind: 'string', description: 'InfluxDB 2.x/3.x token', secret: true },
  { path: 'influx.org', kind: 'string', description: 'InfluxDB 2.x organisation' },
  { path: 'influx.bucketRaw', kind: 'string', description: 'InfluxDB 2.x bucket of raw events' },
  { path: 'influx.bucketWindows', kind: 'string', description: 'InfluxDB 2.x bucket of windows and the rest' },
  { path: 'influx.create', kind: 'boolean', description: 'create database and retention policies (1.x)' },
  { path: 'influx.rpRaw', kind: 'string', description: 'retention policy of raw events (1.x)' },
  { path: 'influx.rpWindows', kind: 'string', description: 'retention policy of windows, the default one (1.x)' },
  { path: 'influx.retentionRaw', kind: 'string', description: 'how long raw events are kept, e.g. 7d' },
  { path: 'influx.retentionWindows', kind: 'string', description: 'how long windows are kept, e.g. 400d' },
  { path: 'influx.batchSize', kind: 'number', description: 'lines per write request' },
  { path: 'influx.maxInFlight', kind: 'number', description: 'write requests in flight' },
  { path: 'influx.flushIntervalMs', kind: 'number', description: 'send a partial batch after this long (at once when the stream is drained)' },
  { path: 'influx.timeoutMs', kind: 'number', description: 'write request timeout' },
  { path: 'influx.maxBacklogPoints', kind: 'number', description: 'stop pulling while this many points wait' },
  { path: 'influx.maxBodyBytes', kind: 'number', description: 'largest write request body in bytes' },
  { path: 'prometheus.remoteWrite', kind: 'string', description: 'Prometheus remote write URL; windows are written there as metrics (empty: off)' },
  { path: 'prometheus.required', kind: 'boolean', description: 'acks wait for Prometheus too (default: optional, never blocks)' },
  { path: 'prometheus.granularities', kind: 'string', description: 'window granularities written to Prometheus, comma separated (1s, 10s, 1m)' },
  { path: 'prometheus.batchSeries', kind: 'number', description: 'series per remote write request' },
  { path: 'prometheus.maxQueueSeries', kind: 'number', description: 'series queued at most for Prometheus; past it the oldest are dropped (optional sink)' },
  { path: 'prometheus.flushIntervalMs', kind: 'number', description: 'send queued series to Prometheus after this long' },
  { path: 'prometheus.timeoutMs', kind: 'number', description: 'remote write request timeout' },
  { path: 'prometheus.exemplars', kind: 'boolean', description: 'the slowest event of each window as exemplar of its max latency' },
  { path: 'windows.allowedLatenessMs', kind: 'number', description: 'how late an event may be and still count' },
  { path: 'windows.idleGraceMs', kind: 'number', description: 'quiet time before windows close by the clock' },
  { path: 'windows.maxFutureMs', kind: 'number', description: 'refuse events stamped further in the future' },
  { path: 'windows.maxModelVersions', kind: 'number', description: 'model versions with their own windows and series; more go to _other' },
  { path: 'windows.maxAgents', kind: 'number', description: 'agent ids with their own windows and series; more go to _other' },
  { path: 'windows.keyIdleMs', kind: 'number', description: 'a model version or agent unseen this long frees its place' },
  { path: 'windows.maxPastMs', kind: 'number', description: 'refuse events older than this (0 = influx.retentionRaw)' },
  { path: 'windows.rewriteHorizonMs', kind: 'number', description: 'closed minutes this recent take late events and are written again (0 = never)' },
  { path: 'replica', kind: 'string', description: 'this replica name (stable across restarts)' },
  { path: 'http.host', kind: 'string', description: 'address of /metrics, /healthz, /readyz' },
  { path: 'http.port', kind: 'number', description: 'port of /metrics, /healthz, /readyz (0 = any free)' },
  { path: 'api.host', kind: 'string', description: 'address of the HTTP API, live page and WebSocket' },
  { path: 'api.port', kind: 'number', description: 'port of the HTTP API, live page (/live/) and WebSocket (/ws) (0 = any free)' },
  { path: 'api.token', kind: 'string', description: 'bearer token of the API and WebSocket (no token: no API)', secret: true },
  { path: 'api.writeToken', kind: 'string', description: 'bearer token of POST /metrics/log, apart from api.token (no token: no injection)', secret: true },
  { path: 'api.minTokenLength', kind: 'number', description: 'API tokens shorter than this are refused at start' },
  { path: 'api.authFailRatePerSec', kind: 'number', description: 'failed authentications per second per address before 429' },
  { path: 'api.authFailBurst', kind: 'number', description: 'failed authentications an address may make at once' },
  { path: 'api.logRatePerSec', kind: 'number', description: 'POST /metrics/log events per second (token bucket rate)' },
  { path: 'api.logBurst', kind: 'number', description: 'POST /metrics/log burst (token bucket size)' },
  { path: 'api.maxClients', kind: 'number', description: 'WebSocket clients at most' },
  { path: 'rawShare', kind: 'number', description: 'share of clean negatives kept as raw points, 0..1 (positives, errors, labelled, probes: always; windows count every event)' },
  { path: 'sampleEventsPerSecond', kind: 'number', description: 'raw events per second on the sampled feed' },
  { path: 'logLevel', kind: 'string', description: 'debug | info | warn | error' },
  { path: 'alerts.forMs', kind: 'number', description: 'a threshold must hold this long (ms, event time) before it fires' },
  { path: 'alerts.fprMax', kind: 'number', description: 'FPR alert threshold (0.0005 = 0.05%)' },
  { path: 'alerts.latencyP95MaxMs', kind: 'number', description: 'p95 latency alert threshold (ms)' },
  { path: 'alerts.detectionMin', kind: 'number', description: 'per-method detection rate alert threshold (0..1)' },
  { path: 'alerts.methodImbalanceMax', kind: 'number', description: 'best minus worst method detection rate alert threshold' },
  { path: 'alerts.baselineFile', kind: 'string', description: 'JSON baseline of a known-good release (regression alerts)' },
  { path: 'alerts.webhookUrl', kind: 'string', description: 'Slack-compatible webhook URL for alerts', secret: true },
  { path: 'alerts.smtpHost', kind: 'string', description: 'SMTP host for alert mail' },
  { path: 'alerts.smtpPort', kind: 'number', description: 'SMTP port' },
  { path: 'alerts.smtpSecure', kind: 'boolean', description: 'SMTP over TLS from the start (port 465)' },
  { path: 'alerts.smtpAllowPlain', kind: 'boolean', description: 'send alert mail in the clear when the server offers no STARTTLS (default false: refuse)' },
  { path: 'alerts.smtpUser', kind: 'string', description: 'SMTP user' },
  { path: 'alerts.smtpPassword', kind: 'string', description: 'SMTP password', secret: true },
  { path: 'alerts.emailFrom', kind: 'string', description: 'sender of alert mail' },
  { path: 'alerts.emailTo', kind: 'string', description: 'recipients of alert mail, comma separated' },
  { path: 'alerts.groupWaitMs', kind: 'number', description: 'a new notification group waits this long before its first notification (ms)' },
  { path: 'alerts.groupBy', kind: 'string', description: 'alert labels that make a notification group: family, scope, rule, key, severity (comma separated)' },
  { path: 'alerts.groupIntervalMs', kind: 'number', description: 'changes to a notified group wait this long after its last notification (ms)' },
  { path: 'alerts.repeatIntervalMs', kind: 'number', description: 'an unchanged firing group is told again after this long (ms)' },
  { path: 'alerts.keepFiringForMs', kind: 'number', description: 'a firing alert stays firing this long after its condition goes false (ms)' },
  { path: 'alerts.anomalyNotify', kind: 'string', description: 'anomaly series that notify, comma separated (others are annotations only)' },
  { path: 'alerts.evidenceWindows', kind: 'number', description: 'detect windows pooled for the rate rules\' Wilson interval' },
  { path: 'alerts.boardUrl', kind: 'string', description: 'Grafana board linked from notifications' },
  { path: 'alerts.maxSilences', kind: 'number', description: 'active silences at most' },
  { path: 'alerts.stateBucket', kind: 'string', description: 'NATS KV bucket keeping alert state, silences and drift references across restarts (empty: memory only)' },
  { path: 'analysis.detectorWarmupWindows', kind: 'number', description: 'windows a detector sees before it may flag' },
  { path: 'analysis.forecastGranularity', kind: 'string', description: 'windows the forecasts run on: 10s | 1m' },
  { path: 'analysis.forecastMinPoints', kind: 'number', description: 'windows before the first forecast (at least 4)' },
  { path: 'analysis.newScopesPerWindow', kind: 'number', description: 'model versions one window group may start judging; more new ones wait for later windows' },
  { path: 'analysis.forecastRefitEvery', kind: 'number', description: 'refit the forecast model every this many windows' },
  { path: 'analysis.driftReferenceWindows', kind: 'number', description: 'windows that make the drift reference' },
  { path: 'cluster.enabled', kind: 'boolean', description: 'replica mode: merge the replicas\' partial windows, analysis on one leader' },
  { path: 'cluster.stream', kind: 'string', description: 'JetStream stream of partial windows, marks and merge decisions' },
  { path: 'cluster.leaseBucket', kind: 'string', description: 'NATS KV bucket holding the analysis leader lease' },
  { path: 'cluster.leaseTtlMs', kind: 'number', description: 'leader lease lifetime (ms); renewed every third of it' },
  { path: 'cluster.liveTimeoutMs', kind: 'number', description: 'a replica silent this long is left out of merges (ms, 0 = three ack waits)' },
  { path: 'cluster.streamReplicas', kind: 'number', description: 'replicas of the cluster stream and lease bucket (3 on a NATS cluster)' },
  { path: 'cluster.heartbeatMs', kind: 'number', description: 'a replica says it is alive this often (ms)' },
  { path: 'cluster.streamMaxAgeMs', kind: 'number', description: 'age limit of the cluster stream (ms)' },
  { path: 'labels.settleMs', kind: 'number', description: 'a label for a minute younger than this (after its end) is applied again then (ms; 0 = derived, about 3.6 min)' },
  { path: 'rollout.windowMs', kind: 'number', description: 'rollout comparison window (ms)' },
  { path: 'rollout.closeAfterMs', kind: 'number', description: 'a rollout window is written this long after its end (ms)' },
  { path: 'rollout.maxPairsWaiting', kind: 'number', description: 'shadow verdicts waiting for their pair at most (then the oldest is dropped)' },
  { path: 'rollout.rollbackWebhook', kind: 'string', description: 'URL a canary rollback request is POSTed to, besides NATS', secret: true },
  { path: 'rollout.fprMax', kind: 'number', description: 'gate: highest candidate FPR (0.0005 = 0.05%)' },
  { path: 'rollout.fprRiseMax', kind: 'number', description: 'gate: highest FPR rise over the baseline (0.0002 = 0.02 points)' },
  { path: 'rollout.detectionDropMax', kind: 'number', description: 'gate: largest detection drop per method below the baseline (0.01 = 1 point)' },
  { path: 'rollout.latencyRatioMax', kind: 'number', description: 'gate: highest candidate/baseline p95 latency' },
  { path: 'rollout.minDurationMs', kind: 'number', description: 'gate: shortest comparison judged (ms)' },
  { path: 'rollout.minCleanLabelled', kind: 'number', description: 'gate: fewest clean labelled requests per side (0: what shows fprMax)' },
  { path: 'rollout.minStegoPerMethod', kind: 'number', description: 'gate: fewest labelled stego per method per side' },
  { path: 'rollout.minLatencySamples', kind: 'number', description: 'gate: fewest scored requests per side for the latency rule' },
];

export const DEFAULTS: CollectorConfig = {
  nats: {
    url: 'nats://127.0.0.1:4222',
    stream: 'STARWATCH_EVENTS',
    deadLetterStream: 'STARWATCH_DEADLETTER',
    durable: 'starwatch-collector',
    ackWaitMs: 0,
    maxAckPending: 200_000,
    fetchBatch: 64,
    yieldAfterMs: 10,
    closedWindowsBucket: 'starwatch_closed_windows',
    maxDeliver: 10,
    streamMaxAgeMs: EVENTS_STREAM_LIMITS.maxAgeMs,
    streamMaxBytes: EVENTS_STREAM_LIMITS.maxBytes,
  },
  influx: {
    version: 1,
    url: 'http://127.0.0.1:8086',
    database: 'starwatch',
    org: 'starwatch',
    bucketRaw: 'starwatch',
    bucketWindows: 'starwatch',
    create: true,
    rpRaw: 'raw',
    rpWindows: 'windows',
    retentionRaw: '7d',
    retentionWindows: '400d',
    batchSize: 5000,
    maxInFlight: 8,
    flushIntervalMs: 500,
    timeoutMs: 10_000,
    maxBacklogPoints: 200_000,
    maxBodyBytes: 1_000_000,
  },
  prometheus: { remoteWrite: '', required: false, granularities: '10s', batchSeries: 2000, maxQueueSeries: 100_000, flushIntervalMs: 1000, timeoutMs: 10_000, exemplars: true },
  windows: { allowedLatenessMs: 2000, idleGraceMs: 2000, maxFutureMs: 300_000, maxPastMs: 0, maxModelVersions: 50, maxAgents: 1000, keyIdleMs: 3_600_000, rewriteHorizonMs: 120_000 },
  replica: '0',
  http: { host: '127.0.0.1', port: 9470 },
  api: { host: '127.0.0.1', port: 9471, minTokenLength: 16, authFailRatePerSec: 1, authFailBurst: 10, logRatePerSec: 1000, logBurst: 2000, maxClients: 1000 },
  sampleEventsPerSecond: 50,
  rawShare: 1,
  logLevel: 'info',
  alerts: { ...ALERT_DEFAULTS },
  analysis: {
    detectorWarmupWindows: TUNING_DEFAULTS.detectorWarmupWindows,
    forecastGranularity: TUNING_DEFAULTS.forecastGranularity,
    forecastMinPoints: TUNING_DEFAULTS.forecastMinPoints,
    forecastRefitEvery: TUNING_DEFAULTS.forecastRefitEvery,
    driftReferenceWindows: TUNING_DEFAULTS.driftReferenceWindows,
    newScopesPerWindow: TUNING_DEFAULTS.newScopesPerWindow,
  },
  cluster: { ...CLUSTER_DEFAULTS },
  rollout: { ...ROLLOUT_DEFAULTS },
  labels: { ...LABELS_CONFIG_DEFAULTS },
};

/** `nats.ackWaitMs` -> `--nats-ack-wait-ms`. */
export const flagName = (path: string): string =>
  '--' + path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
/** `nats.ackWaitMs` -> `STARWATCH_NATS_ACK_WAIT_MS`. */
export const envName = (path: string): string =>
  'STARWATCH_' + path.replace(/\./g, '_').replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
/** Commander's camel-cased key for the flag of `path`. */
export const flagKey = (path: string): string =>
  flagName(path)
    .slice(2)
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export { ConfigError };

export interface ConfigSources {
  /** Parsed flags, keyed as commander keys them (flagKey). */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON file shaped like CollectorConfig (partial). */
  file?: string;
}

export function loadConfig({ flags = {}, env = {}, file }: ConfigSources): CollectorConfig {
  const config = structuredClone(DEFAULTS);
  if (file) mergeDeep(config, readJson(file));
  for (const s of SETTINGS) {
    const fromEnv = env[envName(s.path)];
    if (fromEnv !== undefined && fromEnv !== '') setPath(config, s.path, parse(s, fromEnv, envName(s.path)));
  }
  for (const s of SETTINGS) {
    const fromFlag = flags[flagKey(s.path)];
    if (fromFlag !== undefined) setPath(config, s.path, parse(s, fromFlag, flagName(s.path)));
  }
  moveUrlCredentials(config);
  check(config);
  return config;
}

/** The configuration with every secret replaced, for logs. */
export function redacted(config: CollectorConfig): unknown {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const s of SETTINGS) if (s.secret && getPath(copy, s.path) !== undefined) setPath(copy, s.path, '***');
  for (const path of ['nats.url', 'influx.url', 'prometheus.remoteWrite']) setPath(copy, path, withoutCredentials(String(getPath(copy, path))));
  return copy;
}

/** A URL (or comma-separated URLs) with any user:password@ part masked. */
export function withoutCredentials(urls: string): string {
  return urls.replace(/\/\/[^/@,]*@/g, '//***@');
}

/**
 * user:password in influx.url become influx.username/password: a URL is quoted in errors and logs
 * (fetch refuses such a URL and quotes it whole), a password field never is.
 */
function moveUrlCredentials(c: CollectorConfig): void {
  if (!URL.canParse(c.influx.url)) return;
  const url = new URL(c.influx.url);
  if (!url.username && !url.password) return;
  c.influx.username ??= decodeURIComponent(url.username);
  c.influx.password ??= decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  c.influx.url = url.toString().replace(/\/$/, '');
}

function parse(s: Setting, value: unknown, where: string): unknown {
  if (s.kind === 'string') return String(value);
  if (s.kind === 'number') {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new ConfigError(`${where}: "${String(value)}" is not a number`);
    return n;
  }
  if (typeof value === 'boolean') return value;
  if (/^(1|true|yes)$/i.test(String(value))) return true;
  if (/^(0|false|no)$/i.test(String(value))) return false;
  throw new ConfigError(`${where}: "${String(value)}" is not true or false`);
}

function check(c: CollectorConfig): void {
  if (c.influx.version !== 1 && c.influx.version !== 2) throw new ConfigError('influx.version must be 1 or 2');
  if (c.influx.version === 2 && !c.influx.token) throw new ConfigError('influx.token is needed with influx.version 2');
  // Weak tokens are refused here too, so the command fails before it connects anything.
  for (const [name, token] of [['api.token', c.api.token], ['api.writeToken', c.api.writeToken]] as const) {
    if (token === undefined) continue;
    try {
      checkTokenStrength(name, token, c.api.minTokenLength);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  }
  for (const g of c.prometheus.granularities.split(',').map((x) => x.trim()))
    if (!['1s', '10s', '1m'].includes(g)) throw new ConfigError(`prometheus.granularities: "${g}" is not 1s, 10s or 1m`);
  if (c.prometheus.remoteWrite && !URL.canParse(c.prometheus.remoteWrite)) throw new ConfigError('prometheus.remoteWrite is not a URL');
  if (!(c.rawShare >= 0 && c.rawShare <= 1)) throw new ConfigError('rawShare must be between 0 and 1');
  if (!(c.api.logRatePerSec > 0)) throw new ConfigError('api.logRatePerSec must be above 0');
  if (!['10s', '1m'].includes(c.analysis.forecastGranularity)) throw new ConfigError(`analysis.forecastGranularity "${c.analysis.forecastGranularity}" is not 10s or 1m`);
  if (!(c.analysis.forecastMinPoints >= 4)) throw new ConfigError('analysis.forecastMinPoints must be at least 4');
  if (!['debug', 'info', 'warn', 'error'].includes(c.logLevel)) throw new ConfigError(`logLevel "${c.logLevel}" is unknown`);
  for (const [name, v] of [
    ['nats.maxAckPending', c.nats.maxAckPending],
    ['nats.fetchBatch', c.nats.fetchBatch],
    ['influx.batchSize', c.influx.batchSize],
    ['influx.maxInFlight', c.influx.maxInFlight],
    ['influx.maxBodyBytes', c.influx.maxBodyBytes],
    ['nats.maxDeliver', c.nats.maxDeliver],
    ['api.logBurst', c.api.logBurst],
    ['api.maxClients', c.api.maxClients],
    ['api.authFailRatePerSec', c.api.authFailRatePerSec],
    ['api.authFailBurst', c.api.authFailBurst],
    ['windows.maxModelVersions', c.windows.maxModelVersions],
    ['windows.maxAgents', c.windows.maxAgents],
    ['analysis.detectorWarmupWindows', c.analysis.detectorWarmupWindows],
    ['analysis.forecastRefitEvery', c.analysis.forecastRefitEvery],
    ['analysis.driftReferenceWindows', c.analysis.driftReferenceWindows],
    ['analysis.newScopesPerWindow', c.analysis.newScopesPerWindow],
    ['alerts.evidenceWindows', c.alerts.evidenceWindows],
    ['alerts.maxSilences', c.alerts.maxSilences],
    ['cluster.leaseTtlMs', c.cluster.leaseTtlMs],
    ['cluster.streamReplicas', c.cluster.streamReplicas],
    ['cluster.heartbeatMs', c.cluster.heartbeatMs],
    ['cluster.streamMaxAgeMs', c.cluster.streamMaxAgeMs],
    ['prometheus.batchSeries', c.prometheus.batchSeries],
    ['prometheus.maxQueueSeries', c.prometheus.maxQueueSeries],
    ['rollout.windowMs', c.rollout.windowMs],
    ['rollout.maxPairsWaiting', c.rollout.maxPairsWaiting],
  ] as const)
    if (!(v >= 1)) throw new ConfigError(`${name} must be at least 1`);
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
  }
}

function mergeDeep(into: object, from: Record<string, unknown>, prefix = ''): void {
  for (const [key, value] of Object.entries(from)) {
    const target = into as Record<string, unknown>;
    if (!(key in target) && !SETTINGS.some((s) => s.path === prefix + key))
      throw new ConfigError(`config file: unknown setting "${prefix}${key}"`);
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof target[key] === 'object')
      mergeDeep(target[key] as object, value as Record<string, unknown>, `${prefix}${key}.`);
    else target[key] = value;
  }
}

function setPath(obj: object, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = obj as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

function getPath(obj: object, path: string): unknown {
  return path.split('.').reduce<unknown>((node, p) => (node as Record<string, unknown> | undefined)?.[p], obj);
}
