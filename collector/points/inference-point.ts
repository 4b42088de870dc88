// One `inference` point per event (schemas/measurements.ts). Its series (tags) and timestamp
// (ts_ns) are fixed by the event, so writing the same event twice stores it once. Its fields
// are the table's (schemas/event-fields.ts) that name an InfluxDB type.
import { INFLUX_FIELDS, fieldValue } from '../../schemas/event-fields.ts';
import { MEASUREMENTS, formatOf, sizeBucketOf } from '../../schemas/measurements.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { FieldValue, Point } from '../sinks/point.ts';

export function inferencePoint(event: InferenceEvent, tsMs: number): Point {
  const out = event.outputs;
  const fields: Record<string, FieldValue> = {};
  for (const f of INFLUX_FIELDS) {
    const value = fieldValue(event, f);
    if (value === null || value === undefined) continue;
    fields[f.name] = f.influx === 'int' ? BigInt(value as number) : (value as FieldValue);
  }
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

/** Event time in ms from the ns string, without BigInt (the last six digits are below 1 ms). */
export function eventTimeMs(tsNs: string): number {
  return tsNs.length > 6 ? Number(tsNs.slice(0, -6)) : 0;
}
