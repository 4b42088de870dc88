// What the analysis stage can be told: the alert thresholds (Starlight's targets by default), the
// for-duration, an optional regression baseline file, and where notifications go. Secrets (the
// webhook URL carries its token; the SMTP password) live only here and in the notifiers.
import { STARLIGHT_TARGETS } from '../alerts/rules.ts';
import { DEFAULT_NEW_SCOPES_PER_WINDOW } from './new-scope-budget.ts';

export interface AlertSettings {
  /** A threshold or regression must hold this long (event time, ms) before it fires. */
  forMs: number;
  fprMax: number;
  latencyP95MaxMs: number;
  detectionMin: number;
  methodImbalanceMax: number;
  /** JSON file with a known-good release's figures (collector/alerts/baseline.ts). */
  baselineFile?: string;
  /** Slack-compatible incoming webhook. Secret. */
  webhookUrl?: string;
  smtpHost?: string;
  smtpPort: number;
  smtpSecure: boolean;
  /** Send alert mail without TLS if the server offers no STARTTLS (default: refuse). */
  smtpAllowPlain?: boolean;
  smtpUser?: string;
  /** Secret. */
  smtpPassword?: string;
  emailFrom?: string;
  /** Comma-separated recipients. */
  emailTo?: string;
  /** Notifications: a new group waits this long, changes wait the interval, unchanged firing groups repeat (ms). */
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** Alert labels that make a notification group, comma separated (family, scope, rule, key, severity). */
  groupBy: string;
  /** A firing alert stays firing this long after its condition goes false (ms): flapping stays one alert. */
  keepFiringForMs: number;
  /** Anomaly series that notify (comma-separated, e.g. 'latency_p95'); the others are annotations only. */
  anomalyNotify?: string;
  /** Rate rules judge the counts of this many detect windows pooled (their Wilson interval). */
  evidenceWindows: number;
  /** Grafana board linked from notifications, e.g. http://grafana:3000/d/starwatch-overview. */
  boardUrl?: string;
  /** Active silences at most. */
  maxSilences: number;
  /** NATS KV bucket that keeps alert state, groups and silences across restarts ('' = in memory only). */
  stateBucket: string;
}

export const ALERT_DEFAULTS: AlertSettings = {
  forMs: 60_000,
  fprMax: STARLIGHT_TARGETS.fprMax,
  latencyP95MaxMs: STARLIGHT_TARGETS.latencyP95MaxMs,
  detectionMin: STARLIGHT_TARGETS.detectionMin,
  methodImbalanceMax: STARLIGHT_TARGETS.methodImbalanceMax,
  smtpPort: 587,
  smtpSecure: false,
  groupWaitMs: 30_000,
  groupBy: 'family,scope',
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
  keepFiringForMs: 60_000,
  evidenceWindows: 6,
  maxSilences: 500,
  stateBucket: 'starwatch_alerts',
};

/** Fixed choices of the stage, named once (tests may shorten them). */
export interface AnalysisTuning {
  /** A model version without windows this long (event time) loses its detectors and forecasters. */
  keyIdleMs: number;
  /** Windows the detectors, drift and alert rules run on. */
  detectGranularity: '10s' | '1m';
  /** Windows the forecasts run on. */
  forecastGranularity: '10s' | '1m';
  /** Earlier windows pooled as the root-cause baseline. */
  rootCauseBaselineWindows: number;
  /** Windows that make the drift reference, and windows pooled for the current distribution. */
  driftReferenceWindows: number;
  driftCurrentWindows: number;
  driftMinSamples: number;
  /** Windows each detector (robust z, EWMA/CUSUM) sees before it may flag; the seasonal one needs periods. */
  detectorWarmupWindows: number;
  /** Forecast steps ahead, points kept to fit on, and how often (in points) to refit. */
  forecastHorizon: number;
  forecastHistory: number;
  forecastRefitEvery: number;
  /** Points before the first forecast (at least 4). */
  forecastMinPoints: number;
  /** Model versions a window group may start judging; more new ones wait for later windows (new-scope-budget.ts). */
  newScopesPerWindow: number;
}

export const TUNING_DEFAULTS: AnalysisTuning = {
  detectGranularity: '10s',
  forecastGranularity: '1m',
  rootCauseBaselineWindows: 30,
  driftReferenceWindows: 60,
  driftCurrentWindows: 6,
  driftMinSamples: 100,
  detectorWarmupWindows: 30,
  forecastHorizon: 60,
  forecastHistory: 1440,
  forecastRefitEvery: 60,
  forecastMinPoints: 12,
  keyIdleMs: 3_600_000,
  newScopesPerWindow: DEFAULT_NEW_SCOPES_PER_WINDOW,
};
