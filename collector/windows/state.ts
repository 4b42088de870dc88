// A window's exact state as a string (the `state` field of `window` points), so partial windows
// written by different replicas, or read back later, merge exactly.
import { WindowAccumulator } from './accumulator.ts';
import { LatencySketch } from './latency-sketch.ts';

interface StateV1 {
  v: 1;
  counters: Omit<Record<keyof WindowAccumulator, unknown>, 'latency' | 'add' | 'merge' | 'fields' | 'probSum'>;
  latency: string;
}

export function encodeState(acc: WindowAccumulator): string {
  // slowMs is the target the adding accumulator judged by, not part of the state.
  const { latency, ...counters } = acc;
  delete (counters as { slowMs?: number }).slowMs;
  const state: StateV1 = { v: 1, counters, latency: latency.encode() };
  return JSON.stringify(state);
}

export function decodeState(text: string): WindowAccumulator {
  const state = JSON.parse(text) as StateV1;
  if (state.v !== 1) throw new Error(`unknown window state version ${String(state.v)}`);
  const acc = new WindowAccumulator();
  Object.assign(acc, state.counters);
  acc.latency = LatencySketch.decode(state.latency);
  return acc;
}

/** Merges stored states (e.g. one per replica) into one accumulator. */
export function mergeStates(texts: readonly string[]): WindowAccumulator {
  return texts.reduce((acc, text) => acc.merge(decodeState(text)), new WindowAccumulator());
}
