// The InfluxDB contract: measurement names, tag keys and field names that the collector writes and
// that the HTTP API, the Grafana dashboards and the tests read. Tags have bounded cardinality
// (ids are fields, never tags). Change a name here and every reader follows.

export const MEASUREMENTS = {
  /** One point per InferenceEvent; timestamp = the event's ts_ns (unique per agent => idempotent). */
  inference: 'inference',
  /** One point per closed window per key; timestamp = window start. */
  window: 'window',
  /** Stego-probability histogram per window (one point per bucket; tag `bucket` = lower edge). */
  windowProbHist: 'window_prob_hist',
  /** Anomaly score per detector per series, per window. */
  anomaly: 'anomaly',
  /** Drift scores (PSI, Jensen-Shannon) per window. */
  drift: 'drift',
  /** Forecast points with intervals, and time to threshold. */
  forecast: 'forecast',
  /** Alert state changes. */
  alert: 'alert',
  /** Agent heartbeats. */
  agent: 'agent',
  /** Validation runs (starwatch validate --publish) and ablation results. */
  validation: 'validation',
} as const;

/** Tags of `inference` points. */
export const INFERENCE_TAGS = [
  'agent', //         agent id
  'model_version', // model version
  'format', //        PNG | JPEG | GIF | WEBP | BMP | unknown
  'source', //        scan | library | proxy | probe | validate | http
  'outcome', //       stego | clean | error
  'method', //        predicted method, or none
  'label', //         clean | stego | none (ground truth, when labelled)
  'label_method', //  true method, or none
  'size_bucket', //   lt64k | 64k-256k | 256k-1m | 1m-4m | ge4m (bytes)
] as const;
// Fields of `inference`: event_id (string), stego_prob, method_prob, decode_ms, preprocess_ms,
// infer_ms, total_ms, bytes (int), width (int), height (int), is_stego (bool), error_code (string).

/** Tags of `window` points. `*` in agent/model_version means "all of them". */
export const WINDOW_TAGS = ['granularity', 'agent', 'model_version'] as const;
export const GRANULARITIES = ['1s', '10s', '1m'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const ALL = '*';
// Fields of `window`: count, errors, rps, latency_p50, latency_p95, latency_p99, latency_max (ms),
// stego_rate, mean_prob, fpr, fp, clean_labelled, late (events past allowed lateness),
// per method m in (alpha, palette, lsb_rgb, exif, raw): rate_<m>, det_<m>, det_<m>_n,
// per error code c: err_<c>, per format f: fmt_<f> (count), per size bucket b: size_<b> (count).
// Field names use `lsb_rgb` for the method `lsb.rgb` (dots are awkward in InfluxQL).

/** Tags of `anomaly` points: series (e.g. latency_p95), detector, granularity, agent, model_version. */
// Fields: value, expected, score (0..1), is_anomaly (bool), root_cause (string, JSON ranking).

/** Tags of `forecast`: series, granularity, model_version. Fields: yhat, lower, upper, horizon_s, tt_threshold_s. */
/** Tags of `alert`: rule, severity, state (pending|firing|resolved), key. Fields: value, threshold, message, alert_id. */
/** Tags of `agent`: agent. Fields: queue_depth, events_sent, events_dropped, model_loaded, nats_connected, uptime_s. */

/** Field-safe form of a method name. */
export const methodField = (method: string): string => method.replace('.', '_');
