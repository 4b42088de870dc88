// InferenceEvent -> JSON text, written out field by field. The event's shape is fixed, so
// this skips JSON.stringify's generic walk (about twice as fast); strings still go through
// JSON.stringify for escaping. Numbers that are not finite become null, as in JSON.stringify.
import type { InferenceEvent, Label, Outputs } from '../../schemas/inference-event.ts';

const str = JSON.stringify;
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');
const nullable = (x: string | null): string => (x === null ? 'null' : str(x));

function outputsJson(o: Outputs | null): string {
  if (o === null) return 'null';
  return (
    `{"stego_prob":${num(o.stego_prob)},"is_stego":${o.is_stego},"method":${nullable(o.method)},` +
    `"method_prob":${o.method_prob === null ? 'null' : num(o.method_prob)},"bit_order":${nullable(o.bit_order)}}`
  );
}

function labelJson(l: Label): string {
  let s = `{"category":${str(l.category)}`;
  if (l.method !== undefined) s += `,"method":${str(l.method)}`;
  if (l.bit_order !== undefined) s += `,"bit_order":${str(l.bit_order)}`;
  return s + '}';
}

/** An agent sends the same model object in every event: its text is made once. */
let lastModel: InferenceEvent['model'] | null = null;
let lastModelJson = '';

function modelJson(m: InferenceEvent['model']): string {
  if (m !== lastModel) {
    lastModelJson = `{"id":${str(m.id)},"version":${str(m.version)},"sha256":${str(m.sha256)}}`;
    lastModel = m;
  }
  return lastModelJson;
}

export function eventJson(e: InferenceEvent): string {
  const i = e.input;
  const t = e.timings;
  let s =
    `{"v":1,"event_id":${str(e.event_id)},"agent_id":${str(e.agent_id)},"ts_ns":${str(e.ts_ns)},"source":${str(e.source)},` +
    `"model":${modelJson(e.model)},` +
    `"input":{"format":${str(i.format)},"bytes":${num(i.bytes)},"width":${num(i.width)},"height":${num(i.height)}},` +
    `"timings":{"decode_ms":${num(t.decode_ms)},"preprocess_ms":${num(t.preprocess_ms)},"infer_ms":${num(t.infer_ms)},"total_ms":${num(t.total_ms)}},` +
    `"outputs":${outputsJson(e.outputs)},"error_code":${nullable(e.error_code)}`;
  if (e.label !== undefined) s += `,"label":${labelJson(e.label)}`;
  return s + '}';
}
