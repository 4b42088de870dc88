// The InfluxDB contract: measurement names, tag keys and field names that the collector writes and
// that the HTTP API, the Grafana dashboards and the tests read. Tags have bounded cardinality
// (ids are fields, never tags). Change a name here and every reader follows.

import { IMAGE_FORMATS, METHODS } from '../v4/contract.ts';

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
  /**
   * Training runs' metric series (starwatch training ingest): tags run, model_version, metric;
   * fields value (float), step (float), nonfinite (bool, in place of value for NaN/inf).
   */
  training: 'training',
  /**
   * What was flagged in a training run: tags run, model_version, kind (diverged | diverging |
   * plateau | overfitting | unstable), metric; fields step (float), message (string).
   */
  trainingFinding: 'training_finding',
  /**
   * Rollout comparison per window (collector/rollout): tags agent, primary, candidate (model
   * versions). Fields per side, p_ the primary (baseline) and c_ the candidate: p_n, p_errors,
   * p_latency_sketch (string), p_p95_ms, p_clean_labelled, p_fp, p_fpr, p_det_<m>_n,
   * p_det_<m>_hits, p_det_<m>, and c_n, c_errors, c_latency_sketch, c_p95_ms, c_clean_labelled,
   * c_fp, c_fpr, c_det_<m>; of shadow pairs: pairs, agree, agreement, conf_<a>__<b> (methods or
   * none); window_ms, latency_ratio. Zero bases (pairs, *_clean_labelled, *_det_<m>_n) are left out.
   */
  rollout: 'rollout',
  /** Gate decisions of a running rollout (annotations): tags primary, candidate, verdict; fields message, broken. */
  rolloutDecision: 'rollout_decision',
  /**
   * Labels that came after their events (POST /labels, starwatch.v1.labels), at the event's time:
   * tags source, truth (clean | stego); fields event_id, method (or none), labelled_ms (int),
   * delay_s (from the event to its label).
   */
  lateLabel: 'late_label',
  /**
   * The model registry: one point per model an agent announced (schemas/model-announce.ts), at
   * the collector's time: tags model_version, agent, role (primary | candidate); fields id, sha256,
   * inputs, outputs (comma-separated names).
   */
  model: 'model',
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
// Fields of `inference`: the event's fields that name an InfluxDB type in the field table
// (schemas/event-fields.ts: INFLUX_FIELDS), under the same names; a null or absent one is left out.

/**
 * Tags of `window` points. `*` in agent/model_version means "all of them". `replica` names the
 * collector replica that computed the window (one replica: always `0`); with several replicas each
 * writes its own partial windows and `state` (below) lets a reader merge them exactly.
 */
export const WINDOW_TAGS = ['granularity', 'agent', 'model_version', 'replica'] as const;
export const GRANULARITIES = ['1s', '10s', '1m'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const ALL = '*';
// Fields of `window`: count, errors, rps, latency_p50, latency_p95, latency_p99, latency_max (ms),
// stego_rate, mean_prob, fpr, fp, clean_labelled, late (events past allowed lateness),
// per method m in (alpha, palette, lsb_rgb, exif, raw): rate_<m>, det_<m>, det_<m>_n,
// per error code c: err_<c>, per format f: fmt_<f> (count), per size bucket b: size_<b> (count).
// Field names use `lsb_rgb` for the method `lsb.rgb` (dots are awkward in InfluxQL).
// Also: scored (events with outputs), stego (is_stego count), tp and stego_labelled (labelled stego
// events flagged / with a verdict) and detection_rate = tp / stego_labelled, and state (string: the window's exact
// mergeable state as JSON, latency sketch included; collector/windows/state.ts reads it).
// Counts beside the ratios, so readers weight rates by their samples: pred_<m> (stego verdicts
// predicting method m, base `scored`), det_<m>_hits (labelled m flagged, base det_<m>_n), and slow
// (requests over the latency target, collector setting alerts.latencyP95MaxMs: the latency SLO's
// bad events). A count that is the base of a rate (scored, clean_labelled, stego_labelled,
// det_<m>_n) is left out of the point when it is 0, with its numerators, so InfluxQL's x / 0 = 0
// never reads as a rate: no samples gives null (collector/points/rate-bases.ts).
// Window keys: (agent, version), (`*`, version), (agent, `*`) and (`*`, `*`).
// Latency fields cover every request of the window the agent worked on (errors included), from the
// request's total_ms; requests refused at admission (OVERLOADED) count in errors, not in latency or
// slow (collector/windows/accumulator.ts REFUSED_UNWORKED).
// Size bucket field names use `_` for `-`: size_lt64k, size_64k_256k, ... (sizeField below).

/**
 * Tags of `drift` points: facet (stego_prob | method | format | size), granularity, agent,
 * model_version. Fields: psi, js, samples (int), level (stable | moderate | significant), and the
 * reference period compared with, reference_start_ms and reference_end_ms (ms since the epoch).
 * Facet `reference` (one point when a reference is learned, at its end): reference (string, the
 * reference counts as JSON, read back when a collector starts), reference_start_ms, reference_end_ms.
 */
/** Tags of `anomaly` points: series (e.g. latency_p95), detector, granularity, agent, model_version. */
// Fields: value, expected, score (0..1), is_anomaly (bool), root_cause (string, JSON ranking).

/**
 * Tags of `forecast`: series, granularity, model_version. Each refresh writes its path at the
 * future times (yhat, lower, upper, horizon_s) and, at the observed point it starts from
 * (horizon_s = 0, yhat = lower = upper = the observed value), for a series with an alert
 * threshold: threshold, crosses (bool) and tt_threshold_s (only when it crosses within the horizon).
 */
/**
 * Tags of `alert`: rule, severity, state (pending|firing|resolved), key. Fields: value, threshold,
 * message, alert_id; and on the firing point, once the episode resolved, ends_ms (the resolve time,
 * ms since the epoch) so boards draw firing-to-resolved regions. Firing points also carry text (the
 * message and, when the alert's figure has one, its root-cause ranking in words: the region's
 * annotation text) and root_cause (the ranking as JSON).
 */
/**
 * Tags of `agent`: agent, model_version (`none` without a model). Fields: queue_depth,
 * queue_capacity, queue_fill (depth / capacity, only when capacity > 0), events_sent,
 * events_dropped (counters since the agent started), model_loaded, nats_connected, uptime_s.
 */

/**
 * Tags of `validation` points (`starwatch validate --publish`; timestamp = end of the run).
 * `kind` is `run` (one point per run) or `ablation` (one point per zeroed stream); `stream` is the
 * zeroed stream, `none` on run points; `dataset` is the dataset folder's base name.
 */
export const VALIDATION_TAGS = ['model_version', 'dataset', 'kind', 'stream'] as const;
export const VALIDATION_KINDS = ['run', 'ablation'] as const;
// Fields of `validation`, kind=run: run_id, model_id, model_sha256 (strings); images, evaluated,
// errors, violations (int); accuracy, fpr, detection, det_<m> per method (lsb_rgb for lsb.rgb),
// method_acc, bit_order_acc (0..1); latency_p50, latency_p95, latency_p99 (ms); throughput
// (files/s); peak_rss_mb; method_entropy (bits); clean_share (0..1); passed (bool, only when the
// run had a baseline). kind=ablation: run_id (string); fpr, detection, delta_fpr, delta_detection,
// mean_abs_prob_change, impact; flipped, rank (int). A figure the run could not measure (no
// clean images, no images of a method) is left out of the point, never written as 0.

/** Field-safe form of a method name. */
export const methodField = (method: string): string => method.replace('.', '_');

/** Input formats as tagged and counted; anything else is `unknown`. */
export const FORMATS = [...IMAGE_FORMATS, 'unknown'] as const;
export const formatOf = (format: string): (typeof FORMATS)[number] => {
  if ((FORMATS as readonly string[]).includes(format)) return format as (typeof FORMATS)[number];
  const upper = format.toUpperCase();
  if (upper === 'JPG') return 'JPEG';
  return (FORMATS as readonly string[]).includes(upper) ? (upper as (typeof FORMATS)[number]) : 'unknown';
};

export { METHODS };

/** Input size buckets (bytes), the `size_bucket` tag and the `size_<b>` window fields. */
export const SIZE_BUCKETS = ['lt64k', '64k-256k', '256k-1m', '1m-4m', 'ge4m'] as const;
const SIZE_EDGES = [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
export const sizeIndexOf = (bytes: number): number => {
  let i = 0;
  while (i < SIZE_EDGES.length && bytes >= SIZE_EDGES[i]) i++;
  return i;
};
export const sizeBucketOf = (bytes: number): (typeof SIZE_BUCKETS)[number] => SIZE_BUCKETS[sizeIndexOf(bytes)];
export const sizeField = (bucket: string): string => `size_${bucket.replace('-', '_')}`;

/** Stego-probability histogram buckets of `window_prob_hist`: tag `bucket` = lower edge '0.0'..'0.9'. */
export const PROB_BUCKETS = 10;
export const probBucketOf = (p: number): number => Math.min(PROB_BUCKETS - 1, Math.max(0, Math.floor(p * PROB_BUCKETS)));
export const probBucketTag = (i: number): string => (i / PROB_BUCKETS).toFixed(1);
// Tags of `window_prob_hist`: the WINDOW_TAGS plus `bucket`. Field: count (int).

/**
 * InfluxDB 1.x retention policies. Raw `inference` points live in `raw` (short; query them as
 * "raw"."inference"); everything else goes to `windows`, the database's DEFAULT policy, so plain
 * FROM "window" works. With InfluxDB 2.x/3.x the same split is two buckets (or one, if configured so).
 */
export const RETENTION = { raw: 'raw', windows: 'windows' } as const;
export type RetentionTarget = keyof typeof RETENTION;
export const retentionOf = (measurement: string): RetentionTarget =>
  measurement === MEASUREMENTS.inference ? 'raw' : 'windows';
