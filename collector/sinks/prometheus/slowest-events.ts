// The slowest event of each open window, per window key, for the exemplars of the Prometheus sink:
// the accumulator keeps only a latency sketch, so the sink watches the raw events itself (only
// when it is on, and only for the granularities it exports). Bounded: entries of windows long
// closed are pruned, and past `maxEntries` no new window is tracked until pruning frees room.
import { ALL, type Granularity } from '../../../schemas/measurements.ts';
import type { InferenceEvent } from '../../../schemas/inference-event.ts';
import { GRANULARITY_MS } from '../../windows/window-result.ts';
import type { SlowestEvent } from './window-series.ts';

export class SlowestEvents {
  private readonly slowest = new Map<string, SlowestEvent & { g: Granularity; windowStart: number }>();

  private readonly prunedBefore = new Map<Granularity, number>();

  constructor(
    private readonly granularities: readonly Granularity[],
    private readonly maxEntries = 50_000,
  ) {}

  add(event: InferenceEvent, tsMs: number): void {
    const latencyMs = event.timings.total_ms;
    for (const g of this.granularities) {
      const start = tsMs - (tsMs % GRANULARITY_MS[g]);
      for (const [agent, model] of [[event.agent_id, event.model.version], [ALL, event.model.version], [event.agent_id, ALL], [ALL, ALL]])
        this.offer(keyOf(g, start, agent, model), g, start, event.event_id, latencyMs, tsMs);
    }
  }

  /** The slowest event of a closed window, forgotten once taken. */
  take(g: Granularity, start: number, agent: string, modelVersion: string): SlowestEvent | undefined {
    const key = keyOf(g, start, agent, modelVersion);
    const found = this.slowest.get(key);
    if (!found) return undefined;
    this.slowest.delete(key);
    return { eventId: found.eventId, latencyMs: found.latencyMs, tsMs: found.tsMs };
  }

  /** Forgets `g` windows that started before `beforeMs` (closed long ago; their late events are not kept). */
  prune(g: Granularity, beforeMs: number): void {
    // Once per new window start of `g`, not per key: a window closes as one burst of keys.
    if (this.prunedBefore.get(g) === beforeMs) return;
    this.prunedBefore.set(g, beforeMs);
    for (const [key, e] of this.slowest) if (e.g === g && e.windowStart < beforeMs) this.slowest.delete(key);
  }

  get size(): number {
    return this.slowest.size;
  }

  private offer(key: string, g: Granularity, windowStart: number, eventId: string, latencyMs: number, tsMs: number): void {
    const known = this.slowest.get(key);
    if (known) {
      if (latencyMs > known.latencyMs) Object.assign(known, { eventId, latencyMs, tsMs });
      return;
    }
    if (this.slowest.size >= this.maxEntries) return;
    this.slowest.set(key, { eventId, latencyMs, tsMs, g, windowStart });
  }
}

const keyOf = (g: Granularity, start: number, agent: string, modelVersion: string): string => `${g}|${start}|${agent}|${modelVersion}`;
