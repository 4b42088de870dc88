// One retry pace for every loop of the collector that waits on a store or a server (writes, pulls,
// dead letters, start-up steps): shared here so consume/ and sinks/ need not borrow from each other.

/** Exponential from 100 ms, capped, with jitter so replicas do not retry in step. */
export function backoffMs(attempt: number, maxMs: number): number {
  const base = Math.min(maxMs, 100 * 2 ** Math.min(attempt - 1, 16));
  return base / 2 + Math.random() * (base / 2);
}
