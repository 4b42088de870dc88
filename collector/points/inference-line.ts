// The `inference` point of an event as one line-protocol line, written directly: the hot path of
// the collector formats one of these per event, so it skips the Point object and reuses the
// escaped tag set of each series (few per agent). Same text as formatLine(inferencePoint(event)).
import { MEASUREMENTS, formatOf, sizeBucketOf } from '../../schemas/measurements.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { escapeKey, escapeMeasurement, formatNumber, quoteString } from '../sinks/line-protocol.ts';

const MEASUREMENT = escapeMeasurement(MEASUREMENTS.inference);
// Series are bounded (tags have bounded cardinality); the cap only guards against a flood of ids.
const MAX_CACHED_SERIES = 10_000;
const tagSets = new Map<string, string>();

export function inferenceLine(event: InferenceEvent): string {
  const out = event.outputs;
  const t = event.timings;
  const input = event.input;
  // One chain of + with the keys as literals: about twice as fast as helpers returning pieces.
  let line =
    tagSetOf(event) +
    ' event_id=' +
    quoteString(event.event_id) +
    ',decode_ms=' +
    float(t.decode_ms) +
    ',preprocess_ms=' +
    float(t.preprocess_ms) +
    ',infer_ms=' +
    float(t.infer_ms) +
    ',total_ms=' +
    float(t.total_ms) +
    ',bytes=' +
    int(input.bytes) +
    ',width=' +
    int(input.width) +
    ',height=' +
    int(input.height);
  if (out) {
    line += ',stego_prob=' + float(out.stego_prob) + (out.is_stego ? ',is_stego=true' : ',is_stego=false');
    if (out.method_prob !== null) line += ',method_prob=' + float(out.method_prob);
  }
  if (event.error_code !== null) line += ',error_code=' + quoteString(event.error_code);
  return line + ' ' + event.ts_ns;
}

// Integers past 2^53 print in exponent form as numbers; BigInt prints every digit (as inferencePoint).
const int = (value: number): string => (Number.isSafeInteger(value) ? value + 'i' : `${BigInt(value)}i`);
// The schema lets only finite numbers in, so the line's fields are all there (formatLine would
// leave a non-finite one out).
const float = (value: number): string => formatNumber(value);

/** `inference,agent=..,...` with tags in sorted order and empty values left out (as formatLine). */
function tagSetOf(event: InferenceEvent): string {
  const out = event.outputs;
  const format = formatOf(event.input.format);
  const outcome = out === null || event.error_code !== null ? 'error' : out.is_stego ? 'stego' : 'clean';
  const method = out?.method ?? 'none';
  const label = event.label?.category ?? 'none';
  const labelMethod = event.label?.method ?? 'none';
  const size = sizeBucketOf(event.input.bytes);
  const key = `${event.agent_id}\n${event.model.version}\n${format}\n${event.source}\n${outcome}\n${method}\n${label}\n${labelMethod}\n${size}`;
  let tags = tagSets.get(key);
  if (tags === undefined) {
    // Sorted by key: agent, format, label, label_method, method, model_version, outcome, size_bucket, source.
    tags =
      MEASUREMENT +
      tag('agent', event.agent_id) +
      tag('format', format) +
      tag('label', label) +
      tag('label_method', labelMethod) +
      tag('method', method) +
      tag('model_version', event.model.version) +
      tag('outcome', outcome) +
      tag('size_bucket', size) +
      tag('source', event.source);
    if (tagSets.size >= MAX_CACHED_SERIES) tagSets.clear();
    tagSets.set(key, tags);
  }
  return tags;
}

const tag = (key: string, value: string): string => (value === '' ? '' : `,${key}=${escapeKey(value)}`);
