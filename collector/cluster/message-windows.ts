// The windows of one message alone (every granularity, leaf keys), as the replica's engine would
// count its events: replica mode counts a redelivered message apart from its own windows, so
// the merger can leave the copy out when another replica counted the message too.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { WindowEngine } from '../windows/engine.ts';
import type { WindowResult } from '../windows/window-result.ts';

export function windowsOfMessage(events: readonly { event: InferenceEvent; tsMs: number }[], slowMs?: number): { windows: WindowResult[]; lastMinute: number } {
  const engine = new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 0, replica: 'message', slowMs, reopenLate: true });
  let last = Number.NEGATIVE_INFINITY;
  let lastMinute = Number.NEGATIVE_INFINITY;
  for (const { event, tsMs } of events) {
    lastMinute = Math.max(lastMinute, engine.add(event, tsMs, 0));
    last = Math.max(last, tsMs);
  }
  // Far enough past the last event that every window (up to 1 min) has closed.
  return { windows: events.length > 0 ? engine.advance(last + 10 * 60_000) : [], lastMinute };
}
