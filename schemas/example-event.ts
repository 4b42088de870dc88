// The example v1 InferenceEvent: the one the API documentation shows for POST /metrics/log, and
// the event the live-API bench and the API tests send, so all three agree on what an event is.
import type { InferenceEvent } from './inference-event.ts';

export function exampleEvent(overrides: Partial<InferenceEvent> = {}): InferenceEvent {
  return {
    v: 1,
    event_id: 'example-1',
    agent_id: 'example-agent',
    ts_ns: `${Date.now()}000000`,
    source: 'http',
    model: { id: 'starlight-v4', version: '2.0.0', sha256: 'a'.repeat(64) },
    input: { format: 'PNG', bytes: 1234, width: 256, height: 256 },
    timings: { decode_ms: 0.5, preprocess_ms: 0.7, infer_ms: 2.4, total_ms: 3.6 },
    outputs: { stego_prob: 0.9, is_stego: true, method: 'alpha', method_prob: 0.8, bit_order: 'lsb-first' },
    error_code: null,
    ...overrides,
  };
}
