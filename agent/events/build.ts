// Observation -> InferenceEvent, stamped with the agent's id, the model, a unique ns
// timestamp and an event id. This runs on the scan's path, so it only copies fields.
import type { InferenceEvent, Outputs, Timings } from '../../schemas/inference-event.ts';
import { MAX_TIMING_MS } from '../../schemas/event-fields.ts';
import type { ScanResult } from '../../v4/path.ts';
import { NanoClock } from './clock.ts';
import { EventIds } from './event-id.ts';
import type { InputInfo, ModelRef, Observation, Source } from './observation.ts';

export type { ModelRef } from './observation.ts';


/** A model we know nothing about (proxy mode): all-zero hash, so the event stays valid. */
export const UNKNOWN_MODEL: ModelRef = { id: 'unknown', version: 'unknown', sha256: '0'.repeat(64) };

const MAX_ERROR_CODE = 64;

export class EventBuilder {
  private readonly clock = new NanoClock();
  private readonly ids: EventIds;

  constructor(
    readonly agentId: string,
    readonly model: ModelRef,
    ids?: EventIds,
  ) {
    this.ids = ids ?? new EventIds();
  }

  build(o: Observation): InferenceEvent {
    const event: InferenceEvent = {
      v: 1,
      event_id: this.ids.next(),
      agent_id: this.agentId,
      ts_ns: this.clock.next().toString(),
      source: o.source,
      model: o.model ?? this.model,
      input: o.input,
      timings: o.timings,
      outputs: o.outputs,
      error_code: o.errorCode === null ? null : o.errorCode.slice(0, MAX_ERROR_CODE),
    };
    if (o.label) event.label = o.label;
    if (o.requestId) event.request_id = o.requestId;
    if (o.rollout) event.rollout = o.rollout;
    return event;
  }
}

/**
 * Milliseconds kept to the microsecond: finer digits are noise, and short numbers are
 * cheaper to send and to encode. Never negative and never past MAX_TIMING_MS (the collector
 * refuses longer timings), whatever a caller measured or a library user passed.
 */
export function ms(x: number): number {
  return x > 0 && Number.isFinite(x) ? Math.min(Math.round(x * 1000) / 1000, MAX_TIMING_MS) : 0;
}

export function timingsFrom(t: { decodeMs: number; preprocessMs: number; inferMs: number; totalMs: number }): Timings {
  return { decode_ms: ms(t.decodeMs), preprocess_ms: ms(t.preprocessMs), infer_ms: ms(t.inferMs), total_ms: ms(t.totalMs) };
}

/**
 * Probabilities kept to the millionth: the model's float32 outputs print as 17 noisy digits
 * otherwise, and the collector sums them in millionths anyway.
 */
export function roundProbability(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function outputsFrom(v: ScanResult['verdict']): Outputs {
  return {
    stego_prob: roundProbability(v.stegoProb),
    is_stego: v.isStego,
    method: v.method,
    method_prob: v.methodProb === null ? null : roundProbability(v.methodProb),
    bit_order: v.bitOrder,
  };
}

/** What an event tells of a scan: the image's format and size, the verdict, the timings. */
export type ScanFacts = Pick<ScanResult, 'verdict' | 'timings'> & { info: Pick<ScanResult['info'], 'format' | 'bytes' | 'width' | 'height'> };

export function observeResult(source: Source, r: ScanFacts, extra: Pick<Observation, 'label'> = {}): Observation {
  const input: InputInfo = { format: r.info.format, bytes: r.info.bytes, width: r.info.width, height: r.info.height };
  return { source, input, timings: timingsFrom(r.timings), outputs: outputsFrom(r.verdict), errorCode: null, ...extra };
}

export function observeError(
  source: Source,
  errorCode: string,
  input: InputInfo,
  totalMs: number,
  extra: Pick<Observation, 'label'> = {},
): Observation {
  const timings = { decode_ms: 0, preprocess_ms: 0, infer_ms: 0, total_ms: ms(totalMs) };
  return { source, input, timings, outputs: null, errorCode, ...extra };
}
