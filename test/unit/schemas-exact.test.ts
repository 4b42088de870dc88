// The contracts of schemas/, pinned exactly: the JSON Schema each TypeBox definition compiles to
// (every bound, pattern, enum, nullable and optional member), the names and constants readers
// share, and the small functions beside them at their boundaries. A contract change must be a
// deliberate edit here too; a slipped bound or name fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_FIELDS, INFLUX_FIELDS, MAX_INTEGER, REQUEST_ID_MAX, REQUEST_ID_PATTERN, SOURCES, fieldValue, fieldsOf, groupProperties, groupSchema, type EventField } from '../../schemas/event-fields.ts';
import { compile, pathIn } from '../../schemas/field-code.ts';
import { AgentHeartbeat, MAX_TS_MS } from '../../schemas/heartbeat.ts';
import { EventBatch, InferenceEvent, Label, MAX_BATCH_EVENTS, MAX_JSON_DEPTH, MAX_MESSAGE_BYTES, MAX_TS_NS, Model, Outputs, ROLLOUT_ROLES, Rollout, Timings } from '../../schemas/inference-event.ts';
import { CLOSE, ClientMessage, SubscribeMessage, TOPICS, UnsubscribeMessage, decodeTopicSegment, topicSegment } from '../../schemas/live.ts';
import * as M from '../../schemas/measurements.ts';
import * as S from '../../schemas/subjects.ts';
import { ValidationSummary, VALIDATION_FIELDS } from '../../schemas/validation-summary.ts';
import { exampleEvent } from '../../schemas/example-event.ts';

// JSON Schema as TypeBox writes it (its symbol keys dropped), from a few builders.
const json = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema));
const str = (bounds: object = {}) => ({ ...bounds, type: 'string' });
const num = (bounds: object = {}) => ({ ...bounds, type: 'number' });
const int = (bounds: object = {}) => ({ ...bounds, type: 'integer' });
const bool = { type: 'boolean' };
const nil = { type: 'null' };
const one = (value: string | number) => ({ const: value, type: typeof value });
const oneOf = (...values: string[]) => ({ anyOf: values.map(one) });
const orNull = (schema: object) => ({ anyOf: [schema, nil] });
const obj = (required: string[], properties: object) => ({ additionalProperties: false, type: 'object', required, properties });
const count = int({ minimum: 0, maximum: MAX_INTEGER });
const ms = num({ minimum: 0, maximum: 86_400_000 });
const prob = num({ minimum: 0, maximum: 1 });
const METHOD = oneOf('alpha', 'palette', 'lsb.rgb', 'exif', 'raw');
const BIT_ORDER = oneOf('lsb-first', 'msb-first', 'none');

const MODEL = obj(['id', 'version', 'sha256'], { id: str({ minLength: 1, maxLength: 128 }), version: str({ minLength: 1, maxLength: 64 }), sha256: str({ pattern: '^[0-9a-f]{64}$' }) });
const INPUT = obj(['format', 'bytes', 'width', 'height'], { format: str({ maxLength: 16 }), bytes: count, width: count, height: count });
const TIMINGS = obj(['decode_ms', 'preprocess_ms', 'infer_ms', 'total_ms'], { decode_ms: ms, preprocess_ms: ms, infer_ms: ms, total_ms: ms });
const OUTPUTS = obj(['stego_prob', 'is_stego', 'method', 'method_prob', 'bit_order'], {
  stego_prob: prob, is_stego: bool, method: orNull(METHOD), method_prob: orNull(prob), bit_order: orNull(BIT_ORDER), extraction_override: bool,
});
const LABEL = obj(['category'], { category: oneOf('clean', 'stego'), method: METHOD, bit_order: BIT_ORDER });
const ROLLOUT = obj(['role'], { role: oneOf('primary', 'shadow', 'canary'), pair_id: str({ minLength: 1, maxLength: 64 }) });

test('InferenceEvent: the wire schema, every member and bound', () => {
  assert.deepEqual(json(InferenceEvent), obj(['v', 'event_id', 'ts_ns', 'source', 'error_code', 'agent_id', 'model', 'input', 'timings', 'outputs'], {
    v: one(1),
    event_id: str({ minLength: 1, maxLength: 64 }),
    ts_ns: str({ pattern: '^[0-9]{1,19}$' }),
    source: oneOf('scan', 'library', 'proxy', 'probe', 'validate', 'http'),
    error_code: orNull(str({ maxLength: 64 })),
    request_id: str({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }),
    agent_id: str({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    model: MODEL, input: INPUT, timings: TIMINGS, outputs: orNull(OUTPUTS), label: LABEL, rollout: ROLLOUT,
  }));
  assert.deepEqual([json(Model), json(Timings), json(Outputs), json(Label), json(Rollout)], [MODEL, TIMINGS, OUTPUTS, LABEL, ROLLOUT]);
  assert.deepEqual(ROLLOUT_ROLES, ['primary', 'shadow', 'canary']);
});

test('EventBatch and the message bounds', () => {
  assert.deepEqual(json(EventBatch), obj(['v', 'agent_id', 'seq', 'events'], {
    v: one(1), agent_id: str({ minLength: 1, maxLength: 64 }), seq: count, events: { minItems: 1, maxItems: 10_000, type: 'array', items: {} },
  }));
  assert.deepEqual([MAX_BATCH_EVENTS, MAX_MESSAGE_BYTES, MAX_JSON_DEPTH, MAX_TS_NS], [10_000, 1_048_576, 16, '9223372036854775807']);
});

test('AgentHeartbeat: the wire schema', () => {
  assert.equal(MAX_TS_MS, 9_223_372_036_854);
  assert.deepEqual(json(AgentHeartbeat), obj(
    ['v', 'agent_id', 'ts_ms', 'uptime_s', 'model_loaded', 'model_version', 'queue_depth', 'queue_capacity', 'events_sent', 'events_dropped', 'nats_connected'],
    {
      v: one(1), agent_id: str({ minLength: 1, maxLength: 64 }), ts_ms: int({ minimum: 0, maximum: 9_223_372_036_854 }),
      uptime_s: num({ minimum: 0, maximum: MAX_INTEGER }), model_loaded: bool, model_version: orNull(str({ maxLength: 64 })),
      queue_depth: count, queue_capacity: count, events_sent: count, events_dropped: count, nats_connected: bool,
    },
  ));
});

test('event fields: the table, its groups, its InfluxDB types and its constants', () => {
  assert.deepEqual([MAX_INTEGER, REQUEST_ID_MAX, REQUEST_ID_PATTERN], [Number.MAX_SAFE_INTEGER, 128, '^[A-Za-z0-9_.:-]+$']);
  assert.deepEqual(SOURCES, ['scan', 'library', 'proxy', 'probe', 'validate', 'http']);
  const table = (EVENT_FIELDS as readonly EventField[]).map((f) => [f.name, f.group, f.influx ?? '-', f.nullable ? 'null' : '', f.optional ? 'opt' : ''].join(' ').trimEnd());
  assert.deepEqual(table, [
    'event_id event string', 'ts_ns event -', 'source event -', 'format input -', 'bytes input int', 'width input int', 'height input int',
    'decode_ms timings float', 'preprocess_ms timings float', 'infer_ms timings float', 'total_ms timings float',
    'stego_prob outputs float', 'is_stego outputs bool', 'method outputs - null', 'method_prob outputs float null', 'bit_order outputs - null',
    'extraction_override outputs bool  opt', 'error_code event string null', 'request_id event string  opt',
  ]);
  assert.deepEqual(INFLUX_FIELDS.map((f) => `${f.name}:${f.influx}`), [
    'event_id:string', 'bytes:int', 'width:int', 'height:int', 'decode_ms:float', 'preprocess_ms:float', 'infer_ms:float', 'total_ms:float',
    'stego_prob:float', 'is_stego:bool', 'method_prob:float', 'extraction_override:bool', 'error_code:string', 'request_id:string',
  ]);
  assert.deepEqual(fieldsOf('input').map((f) => f.name), ['format', 'bytes', 'width', 'height']);
  assert.deepEqual(json(groupSchema('input')), INPUT);
  assert.deepEqual(Object.keys(groupProperties('event')), ['event_id', 'ts_ns', 'source', 'error_code', 'request_id']);
});

test('event fields: a field is read from its group; a failed request has null outputs', () => {
  const field = (name: string) => EVENT_FIELDS.find((f) => f.name === name)! as EventField;
  const event = exampleEvent({ request_id: 'r-1' });
  assert.deepEqual(['event_id', 'request_id', 'bytes', 'total_ms', 'stego_prob', 'method'].map((n) => fieldValue(event, field(n))), ['example-1', 'r-1', 1234, 3.6, 0.9, 'alpha']);
  const failed = exampleEvent({ outputs: null, error_code: 'CORRUPT_IMAGE' });
  assert.deepEqual(['stego_prob', 'error_code', 'width'].map((n) => fieldValue(failed, field(n))), [null, 'CORRUPT_IMAGE', 256]);
});

test('field code: where a field sits in an event, and a function compiled with its helpers', () => {
  const field = (name: string) => EVENT_FIELDS.find((f) => f.name === name)! as EventField;
  assert.deepEqual([pathIn('e', field('event_id')), pathIn('ev', field('bytes')), pathIn('x', field('stego_prob'))], ['e.event_id', 'ev.input.bytes', 'x.outputs.stego_prob']);
  const add = compile<(a: number, b: number) => number>(['a', 'b'], 'return twice(a) + b;', { twice: (x: number) => 2 * x });
  assert.equal(add(3, 4), 10);
  const noHelpers = compile<(a: number) => number>(['a'], 'return a * 3;');
  assert.equal(noHelpers(5), 15);
  // The body is on lines of its own: a trailing line comment does not swallow the closing brace.
  assert.equal(compile<() => number>([], 'return 1; // one')(), 1);
});

test('live feed: the client messages, close codes and topic names', () => {
  const topics = { minItems: 1, maxItems: 64, type: 'array', items: str({ minLength: 1, maxLength: 256 }) };
  const message = (type: string) => obj(['v', 'type', 'topics'], { v: one(1), type: one(type), topics, id: str({ maxLength: 64 }) });
  assert.deepEqual([json(SubscribeMessage), json(UnsubscribeMessage)], [message('subscribe'), message('unsubscribe')]);
  assert.deepEqual(json(ClientMessage), { anyOf: [message('subscribe'), message('unsubscribe')] });
  assert.deepEqual(CLOSE, { unauthorized: 4401, maxClients: 1013, slowConsumer: 4008, deadPeer: 4000, goingAway: 1001 });
  assert.deepEqual([TOPICS.anomalies, TOPICS.alerts, TOPICS.forecasts, TOPICS.eventsSample], ['anomalies', 'alerts', 'forecasts', 'events.sample']);
  assert.equal(TOPICS.windows('1m', 'v4.1', '*'), 'windows.1m.v4%2E1.%2A');
});

test('live feed: topic segments percent-encode . * > % and space, upper-case hex, and decode back', () => {
  assert.equal(topicSegment('a.b*c>d%e f-g_h'), 'a%2Eb%2Ac%3Ed%25e%20f-g_h');
  assert.equal(topicSegment('plain'), 'plain');
  assert.equal(decodeTopicSegment('a%2Eb%2Ac%3Ed%25e%20f'), 'a.b*c>d%e f');
  // Only what topicSegment writes: two upper-case hex digits.
  assert.equal(decodeTopicSegment('%2e%G1%4'), '%2e%G1%4');
  assert.equal(decodeTopicSegment('%41%42'), 'AB');
  assert.equal(decodeTopicSegment(topicSegment('%2E')), '%2E');
});

test('measurements: names, tags and the value constants', () => {
  assert.deepEqual(M.MEASUREMENTS, {
    inference: 'inference', window: 'window', windowProbHist: 'window_prob_hist', anomaly: 'anomaly', drift: 'drift', forecast: 'forecast',
    alert: 'alert', agent: 'agent', validation: 'validation', training: 'training', trainingFinding: 'training_finding', rollout: 'rollout',
    rolloutDecision: 'rollout_decision', lateLabel: 'late_label', model: 'model',
  });
  assert.deepEqual(M.INFERENCE_TAGS, ['agent', 'model_version', 'format', 'source', 'outcome', 'method', 'label', 'label_method', 'size_bucket']);
  assert.deepEqual(M.WINDOW_TAGS, ['granularity', 'agent', 'model_version', 'replica']);
  assert.deepEqual(M.GRANULARITIES, ['1s', '10s', '1m']);
  assert.equal(M.ALL, '*');
  assert.deepEqual(M.VALIDATION_TAGS, ['model_version', 'dataset', 'kind', 'stream']);
  assert.deepEqual(M.VALIDATION_KINDS, ['run', 'ablation']);
  assert.deepEqual(M.FORMATS, ['PNG', 'JPEG', 'GIF', 'WEBP', 'BMP', 'unknown']);
  assert.deepEqual(M.SIZE_BUCKETS, ['lt64k', '64k-256k', '256k-1m', '1m-4m', 'ge4m']);
  assert.deepEqual(M.RETENTION, { raw: 'raw', windows: 'windows' });
  assert.equal(M.PROB_BUCKETS, 10);
});

test('measurements: method fields, formats and retention', () => {
  assert.deepEqual(['lsb.rgb', 'alpha'].map(M.methodField), ['lsb_rgb', 'alpha']);
  assert.deepEqual(['PNG', 'unknown', 'jpg', 'JPG', 'png', 'webp', 'tiff', ''].map(M.formatOf), ['PNG', 'unknown', 'JPEG', 'JPEG', 'PNG', 'WEBP', 'unknown', 'unknown']);
  assert.deepEqual([M.retentionOf('inference'), M.retentionOf('window'), M.retentionOf('raw')], ['raw', 'windows', 'windows']);
});

test('measurements: size buckets change exactly at 64 KiB, 256 KiB, 1 MiB and 4 MiB', () => {
  const K = 1024;
  const sizes = [0, 64 * K - 1, 64 * K, 256 * K - 1, 256 * K, K * K - 1, K * K, 4 * K * K - 1, 4 * K * K, 2 ** 40];
  assert.deepEqual(sizes.map(M.sizeIndexOf), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  assert.deepEqual(sizes.map(M.sizeBucketOf), ['lt64k', 'lt64k', '64k-256k', '64k-256k', '256k-1m', '256k-1m', '1m-4m', '1m-4m', 'ge4m', 'ge4m']);
  assert.deepEqual(M.SIZE_BUCKETS.map(M.sizeField), ['size_lt64k', 'size_64k_256k', 'size_256k_1m', 'size_1m_4m', 'size_ge4m']);
});

test('measurements: probability buckets of a tenth each, clamped to 0..9', () => {
  assert.deepEqual([-0.5, 0, 0.0999, 0.1, 0.55, 0.9, 0.999, 1, 7].map(M.probBucketOf), [0, 0, 0, 1, 5, 9, 9, 9, 9]);
  assert.deepEqual([0, 1, 9].map(M.probBucketTag), ['0.0', '0.1', '0.9']);
});

test('subjects: names, per-agent subjects and the stream bounds', () => {
  assert.deepEqual(
    [S.EVENTS_STREAM, S.EVENTS_SUBJECT_PREFIX, S.HEARTBEAT_SUBJECT_PREFIX, S.DEAD_LETTER_SUBJECT, S.ALERTS_SUBJECT, S.MODELS_SUBJECT_PREFIX, S.LABELS_SUBJECT, S.ROLLBACK_SUBJECT, S.VALIDATION_SUBJECT],
    ['STARWATCH_EVENTS', 'starwatch.v1.events', 'starwatch.v1.heartbeat', 'starwatch.v1.deadletter', 'starwatch.v1.alerts', 'starwatch.v1.models', 'starwatch.v1.labels', 'starwatch.v1.rollout.rollback', 'starwatch.v1.validation'],
  );
  assert.deepEqual([S.eventsSubject('a-1'), S.heartbeatSubject('b')], ['starwatch.v1.events.a-1', 'starwatch.v1.heartbeat.b']);
  assert.deepEqual(S.EVENTS_STREAM_LIMITS, { maxAgeMs: 604_800_000, maxBytes: 8_589_934_592, maxMsgSize: 1_048_576 });
});

test('validation summary: the field table and the wire schema', () => {
  const float = ['accuracy', 'fpr', 'detection', 'det_alpha', 'det_palette', 'det_lsb_rgb', 'det_exif', 'det_raw', 'method_acc', 'bit_order_acc',
    'latency_p50', 'latency_p95', 'latency_p99', 'throughput', 'peak_rss_mb', 'method_entropy', 'clean_share'];
  const table = {
    run_id: 'string', model_id: 'string', model_sha256: 'string', images: 'int', evaluated: 'int', errors: 'int', violations: 'int',
    ...Object.fromEntries(float.map((f) => [f, 'float'])), passed: 'bool',
    delta_fpr: 'float', delta_detection: 'float', mean_abs_prob_change: 'float', impact: 'float', flipped: 'int', rank: 'int',
  };
  assert.deepEqual(VALIDATION_FIELDS, table);
  assert.deepEqual(Object.keys(VALIDATION_FIELDS), Object.keys(table));
  const schemaOf = { string: str({ minLength: 1, maxLength: 128 }), int: int({ minimum: 0 }), float: num(), bool };
  assert.deepEqual(json(ValidationSummary), obj(['measurement', 'tags', 'fields', 'ts_ns'], {
    measurement: one('validation'),
    tags: obj(['model_version', 'dataset', 'kind', 'stream'], {
      model_version: str({ minLength: 1, maxLength: 64 }), dataset: str({ minLength: 1, maxLength: 128 }), kind: oneOf('run', 'ablation'), stream: str({ minLength: 1, maxLength: 64 }),
    }),
    fields: obj(['run_id'], Object.fromEntries(Object.entries(table).map(([name, type]) => [name, schemaOf[type as keyof typeof schemaOf]]))),
    ts_ns: str({ pattern: '^[0-9]{1,20}$' }),
    int_fields: { maxItems: 64, type: 'array', items: str({ maxLength: 64 }) },
  }));
});
