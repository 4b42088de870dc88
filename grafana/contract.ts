// What the dashboards may read from InfluxDB: schemas/measurements.ts as data. Names that file exports
// as constants are taken from it; names it only states in comments are listed here, and
// test/unit/grafana-contract.test.ts checks each one still appears in that file, so a rename there
// breaks the build of the boards instead of silently emptying a panel.
import {
  GRANULARITIES,
  INFERENCE_TAGS,
  MEASUREMENTS,
  METHODS,
  VALIDATION_TAGS,
  WINDOW_TAGS,
  methodField,
  retentionOf,
} from '../schemas/measurements.ts';
import { INFLUX_FIELDS, type InfluxType } from '../schemas/event-fields.ts';
import { VALIDATION_FIELDS } from '../schemas/validation-summary.ts';

export type FieldType = InfluxType;

export interface MeasurementContract {
  tags: readonly string[];
  /** Exact field names and their types. */
  fields: Readonly<Record<string, FieldType>>;
  /** Open families of numeric fields (per error code, per format, per size bucket), as prefixes. */
  fieldPrefixes: readonly string[];
  /** False when schemas/measurements.ts names the measurement but not its tags and fields yet. */
  specified: boolean;
}

export const METHOD_FIELDS = METHODS.map(methodField);

const floats = (...names: string[]): Record<string, FieldType> =>
  Object.fromEntries(names.map((n) => [n, 'float' as const]));

const perMethod = (prefix: string): string[] => METHOD_FIELDS.map((m) => `${prefix}${m}`);

export const CONTRACT: Readonly<Record<string, MeasurementContract>> = {
  [MEASUREMENTS.inference]: {
    tags: INFERENCE_TAGS,
    // The event's field table says which of its fields the point stores, and as what.
    fields: Object.fromEntries(INFLUX_FIELDS.map((f) => [f.name, f.influx])),
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.window]: {
    tags: WINDOW_TAGS,
    fields: {
      ...floats(
        'count',
        'errors',
        'scored',
        'stego',
        'rps',
        'latency_p50',
        'latency_p95',
        'latency_p99',
        'latency_max',
        'stego_rate',
        'mean_prob',
        'fpr',
        'fp',
        'clean_labelled',
        'late',
        'slow',
        'tp',
        'stego_labelled',
        'detection_rate',
        ...perMethod('rate_'),
        ...perMethod('pred_'),
        ...METHOD_FIELDS.map((m) => `det_${m}_hits`),
        ...perMethod('det_'),
        ...METHOD_FIELDS.map((m) => `det_${m}_n`),
      ),
      // The window's mergeable state as JSON: for the collector, not for InfluxQL.
      state: 'string',
    },
    fieldPrefixes: ['err_', 'fmt_', 'size_'],
    specified: true,
  },
  [MEASUREMENTS.windowProbHist]: {
    tags: [...WINDOW_TAGS, 'bucket'],
    fields: { count: 'int' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.anomaly]: {
    tags: ['series', 'detector', 'granularity', 'agent', 'model_version'],
    fields: { ...floats('value', 'expected', 'score'), is_anomaly: 'bool', root_cause: 'string' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.drift]: {
    tags: ['facet', 'granularity', 'agent', 'model_version'],
    fields: { ...floats('psi', 'js', 'reference_start_ms', 'reference_end_ms'), samples: 'int', level: 'string', reference: 'string' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.forecast]: {
    tags: ['series', 'granularity', 'model_version'],
    fields: { ...floats('yhat', 'lower', 'upper', 'horizon_s', 'tt_threshold_s', 'threshold'), crosses: 'bool' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.alert]: {
    tags: ['rule', 'severity', 'state', 'key'],
    fields: { ...floats('value', 'threshold', 'ends_ms'), message: 'string', alert_id: 'string', text: 'string', root_cause: 'string' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.agent]: {
    tags: ['agent', 'model_version'],
    fields: {
      ...floats('queue_depth', 'queue_capacity', 'queue_fill', 'events_sent', 'events_dropped', 'uptime_s'),
      model_loaded: 'bool',
      nats_connected: 'bool',
    },
    fieldPrefixes: [],
    specified: true,
  },
  // The collector checks validation summaries against schemas/validation-summary.ts, which
  // lists the fields of measurements.ts with their types.
  [MEASUREMENTS.validation]: { tags: VALIDATION_TAGS, fields: VALIDATION_FIELDS, fieldPrefixes: [], specified: true },
  [MEASUREMENTS.training]: {
    tags: ['run', 'model_version', 'metric'],
    fields: { ...floats('value', 'step'), nonfinite: 'bool' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.trainingFinding]: {
    tags: ['run', 'model_version', 'kind', 'metric'],
    fields: { ...floats('step'), message: 'string' },
    fieldPrefixes: [],
    specified: true,
  },
  // collector/rollout/comparison-window.ts; p_ is the primary (baseline), c_ the candidate.
  [MEASUREMENTS.rollout]: {
    tags: ['agent', 'primary', 'candidate'],
    fields: {
      ...Object.fromEntries(['p_', 'c_'].flatMap((side) => [
        [`${side}n`, 'int'], [`${side}errors`, 'int'], [`${side}clean_labelled`, 'int'], [`${side}fp`, 'int'],
        [`${side}latency_sketch`, 'string'], [`${side}fpr`, 'float'], [`${side}p95_ms`, 'float'],
      ])),
      pairs: 'int',
      agree: 'int',
      window_ms: 'int',
      ...floats('agreement', 'latency_ratio'),
    },
    fieldPrefixes: ['p_det_', 'c_det_', 'conf_'],
    specified: true,
  },
  [MEASUREMENTS.model]: {
    tags: ['model_version', 'agent', 'role'],
    fields: { id: 'string', sha256: 'string', inputs: 'string', outputs: 'string' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.lateLabel]: {
    tags: ['source', 'truth'],
    fields: { event_id: 'string', method: 'string', labelled_ms: 'int', delay_s: 'float' },
    fieldPrefixes: [],
    specified: true,
  },
  [MEASUREMENTS.rolloutDecision]: {
    tags: ['primary', 'candidate', 'verdict'],
    fields: { message: 'string', broken: 'string' },
    fieldPrefixes: [],
    specified: true,
  },
};

export { GRANULARITIES, MEASUREMENTS, METHODS };

/** Dashboard constants that hold the retention policy names (grafana/variables.ts). */
export const RP_VARIABLES = { raw: 'rp_raw', windows: 'rp_windows' } as const;

/**
 * How a board names a measurement in FROM: its retention policy (raw `inference` points live in
 * their own, short one) through a dashboard constant, since the names are a collector setting.
 */
export function from(measurement: string): string {
  return `"$${RP_VARIABLES[retentionOf(measurement)]}"."${measurement}"`;
}
export const ALL_VALUE = '*';

export type Measurement = (typeof MEASUREMENTS)[keyof typeof MEASUREMENTS];

export function hasField(measurement: string, field: string): boolean {
  const m = CONTRACT[measurement];
  if (!m) return false;
  return field in m.fields || m.fieldPrefixes.some((p) => field.startsWith(p) && field.length > p.length);
}

export function hasTag(measurement: string, tag: string): boolean {
  return CONTRACT[measurement]?.tags.includes(tag) ?? false;
}
