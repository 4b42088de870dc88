// The `inference` point of an event as one line-protocol line, written directly: the hot path of
// the collector formats one of these per event, so it skips the Point object and reuses the
// escaped tag set of each series (few per agent). Same text as formatLine(inferencePoint(event));
// the fields are the table's (schemas/event-fields.ts) that name an InfluxDB type.
import { INFLUX_FIELDS, type InfluxType } from '../../schemas/event-fields.ts';
import { compile, pathIn } from '../../schemas/field-code.ts';
import { FORMATS, MEASUREMENTS, METHODS, SIZE_BUCKETS, formatOf, sizeIndexOf } from '../../schemas/measurements.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { escapeKey, escapeMeasurement, formatNumber, quoteString } from '../sinks/line-protocol.ts';

const MEASUREMENT = escapeMeasurement(MEASUREMENTS.inference);

export function inferenceLine(event: InferenceEvent): string {
  return tagSetOf(event) + fieldSetOf(event) + ' ' + event.ts_ns;
}

// Integers past 2^53 print in exponent form as numbers; BigInt prints every digit (as inferencePoint).
const int = (value: number): string => (Number.isSafeInteger(value) ? value + 'i' : `${BigInt(value)}i`);
// The schema lets only finite numbers in, so the line's fields are all there (formatLine would
// leave a non-finite one out).
const float = (value: number): string => formatNumber(value);
const FORMATTERS: Record<InfluxType, string> = { float: 'float', int: 'int', bool: 'bool', string: 'quoteString' };
const bool = (value: boolean): string => (value ? 'true' : 'false');

/**
 * ` event_id="..",bytes=..i,...`: the fields of the table with an InfluxDB type, null and absent
 * ones left out. One chain of appends with the keys as literals, written from the table
 * (schemas/field-code.ts says why), so the first field must always be there.
 */
const fieldSetOf = compile<(e: InferenceEvent) => string>(['e'], fieldSetCode(), { float, int, bool, quoteString });

function fieldSetCode(): string {
  const [first, ...rest] = INFLUX_FIELDS;
  if (first.optional || first.nullable || first.group === 'outputs') throw new Error(`the first InfluxDB field (${first.name}) must always be there`);
  const append = (f: (typeof INFLUX_FIELDS)[number], separator: string) => `s += '${separator}${escapeKey(f.name)}=' + ${FORMATTERS[f.influx]}(${pathIn('e', f)});`;
  const lines = [`let s = ''; ${append(first, ' ')}`];
  for (const f of rest) {
    const value = pathIn('e', f);
    const present = [...(f.group === 'outputs' ? ['e.outputs !== null'] : []), ...(f.nullable || f.optional ? [`${value} !== null && ${value} !== undefined`] : [])];
    lines.push(present.length ? `if (${present.join(' && ')}) ${append(f, ',')}` : append(f, ','));
  }
  return lines.join('\n') + '\nreturn s;';
}

/**
 * `inference,agent=..,...` with tags in sorted order and empty values left out (as formatLine).
 * Tag sets are cached per (agent, model version, source), the few series prefixes a stream has,
 * and within one by a number made of the other tags' positions in their (schema-bounded) value
 * lists: no key string is built per event.
 */
function tagSetOf(event: InferenceEvent): string {
  const series = seriesOf(event);
  const out = event.outputs;
  const label = event.label;
  const format = formatOf(event.input.format);
  const outcome = out === null || event.error_code !== null ? 2 : out.is_stego ? 1 : 0;
  const method = out?.method ? METHOD_LIST.indexOf(out.method) + 1 : 0;
  const category = label ? (label.category === 'clean' ? 1 : 2) : 0;
  const labelMethod = label?.method ? METHOD_LIST.indexOf(label.method) + 1 : 0;
  const code = ((((FORMATS.indexOf(format) * 3 + outcome) * 6 + method) * 3 + category) * 6 + labelMethod) * SIZE_BUCKETS.length + sizeIndexOf(event.input.bytes);
  let tags = series.get(code);
  if (tags === undefined) {
    // Sorted by key: agent, format, label, label_method, method, model_version, outcome, size_bucket, source.
    tags =
      MEASUREMENT +
      tag('agent', event.agent_id) +
      tag('format', format) +
      tag('label', label?.category ?? 'none') +
      tag('label_method', label?.method ?? 'none') +
      tag('method', out?.method ?? 'none') +
      tag('model_version', event.model.version) +
      tag('outcome', OUTCOMES[outcome]) +
      tag('size_bucket', SIZE_BUCKETS[sizeIndexOf(event.input.bytes)]) +
      tag('source', event.source);
    series.set(code, tags);
  }
  return tags;
}

const OUTCOMES = ['clean', 'stego', 'error'];
const METHOD_LIST: readonly string[] = METHODS;
// Series are bounded (tags have bounded cardinality); the cap only guards against a flood of ids.
const MAX_CACHED_PREFIXES = 1000;
const tagSetsByPrefix = new Map<string, Map<number, string>>();
// Events come in runs from one agent and model (a batch): the last prefix is checked first.
let last = { agent: '', version: '', source: '', series: new Map<number, string>() };

function seriesOf(event: InferenceEvent): Map<number, string> {
  const { agent_id: agent, source } = event;
  const version = event.model.version;
  if (agent === last.agent && version === last.version && source === last.source) return last.series;
  const prefix = `${agent}\n${version}\n${source}`;
  let series = tagSetsByPrefix.get(prefix);
  if (series === undefined) {
    if (tagSetsByPrefix.size >= MAX_CACHED_PREFIXES) tagSetsByPrefix.clear();
    tagSetsByPrefix.set(prefix, (series = new Map()));
  }
  last = { agent, version, source, series };
  return series;
}

const tag = (key: string, value: string): string => (value === '' ? '' : `,${key}=${escapeKey(value)}`);
