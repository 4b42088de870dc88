// What the agent saw of one request, before it becomes an InferenceEvent: every source
// (scan server, library, proxy, probes) describes its request in this one shape.
import type { InferenceEvent, Label, Outputs, Rollout, Timings } from '../../schemas/inference-event.ts';

export type Source = InferenceEvent['source'];

export interface InputInfo {
  format: string;
  bytes: number;
  width: number;
  height: number;
}

export interface Observation {
  source: Source;
  input: InputInfo;
  timings: Timings;
  /** Null when the request failed. */
  outputs: Outputs | null;
  /** Null when the request succeeded. */
  errorCode: string | null;
  label?: Label;
  /** The client's X-Request-Id (agent/server/request-id.ts), when it sent one. */
  requestId?: string;
  /** The model that answered, when it is not the agent's own (wrapped sessions, proxies). */
  model?: ModelRef;
  /** The request's role in a model rollout (agent/rollout), when one runs. */
  rollout?: Rollout;
}

export interface ModelRef {
  id: string;
  version: string;
  sha256: string;
}

export function unknownInput(bytes: number): InputInfo {
  return { format: 'unknown', bytes, width: 0, height: 0 };
}
