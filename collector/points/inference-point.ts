// One `inference` point per event (schemas/measurements.ts). Its series (tags) and timestamp
// (ts_ns) are fixed by the event, so writing the same event twice stores it once.
import { MEASUREMENTS, formatOf, sizeBucketOf } from '../../schemas/measurements.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { FieldValue, Point } from '../sinks/point.ts';

export function inferencePoint(event: InferenceEvent, tsMs: number): Point {
  const out = event.outputs;
  const fields: Record<string, FieldValue> = {
    event_id: event.event_id,
    decode_ms: event.timings.decode_ms,
    preprocess_ms: event.timings.preprocess_ms,
    infer_ms: event.timings.infer_ms,
    total_ms: event.timings.total_ms,
    bytes: BigInt(event.input.bytes),
    width: BigInt(event.input.width),
    height: BigInt(event.input.height),
  };
  if (out) {
    fields.stego_prob = out.stego_prob;
    fields.is_stego = out.is_stego;
    if (out.method_prob !== null) fields.method_prob = out.method_prob;
  }
  if (event.error_code !== null) fields.error_code = event.error_code;
  return {
    measurement: MEASUREMENTS.inference,
    tags: {
      agent: event.agent_id,
      model_version: event.model.version,
      format: formatOf(event.input.format),
      source: event.source,
      outcome: out === null || event.error_code !== null ? 'error' : out.is_stego ? 'stego' : 'clean',
      method: out?.method ?? 'none',
      label: event.label?.category ?? 'none',
      label_method: event.label?.method ?? 'none',
      size_bucket: sizeBucketOf(event.input.bytes),
    },
    fields,
    timestampNs: event.ts_ns,
    originMs: tsMs,
  };
}
