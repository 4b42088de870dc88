// Closed 1 min windows kept for a while so late events can still be merged into them: a window is
// a mergeable state, so "closed" only means "written once". An event that arrives after its minute
// closed (a publisher retrying after a NATS restart, say, while newer events got in first) is
// added here and the minute is written again, whole, over the first write (same series and
// time). Kept per key, as closed; late events go into accumulators of their own, so what was
// handed to subscribers at close is never changed afterwards.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { WindowAccumulator } from './accumulator.ts';

interface ClosedMinute {
  keys: Map<string, WindowAccumulator>;
  late: Map<string, WindowAccumulator>;
}

export class ClosedMinutes {
  private readonly kept = new Map<number, ClosedMinute>();
  private readonly dirty = new Set<number>();

  /** horizonMs: how far behind the watermark a closed minute may end and still take late events. */
  constructor(
    private readonly horizonMs: number,
    private readonly slowMs: number | undefined,
  ) {}

  keep(start: number, keys: Map<string, WindowAccumulator>): void {
    if (this.horizonMs > 0) this.kept.set(start, { keys, late: new Map() });
  }

  /** Adds a late event to its kept minute; false when that minute is no longer kept. */
  add(start: number, key: string, event: InferenceEvent): boolean {
    const minute = this.kept.get(start);
    if (!minute) return false;
    let acc = minute.late.get(key);
    if (!acc) minute.late.set(key, (acc = new WindowAccumulator(this.slowMs)));
    acc.add(event);
    this.dirty.add(start);
    return true;
  }

  /** Minutes that took late events since the last call, each as its whole per-key state. */
  takeDirty(): { start: number; keys: Map<string, WindowAccumulator> }[] {
    const out = [...this.dirty].sort((a, b) => a - b).map((start) => ({ start, keys: this.merged(this.kept.get(start)!) }));
    this.dirty.clear();
    return out;
  }

  /** Forgets minutes that ended more than the horizon before the watermark. */
  prune(watermark: number): void {
    for (const start of this.kept.keys())
      if (start + 60_000 < watermark - this.horizonMs && !this.dirty.has(start)) this.kept.delete(start);
  }

  get size(): number {
    return this.kept.size;
  }

  private merged(minute: ClosedMinute): Map<string, WindowAccumulator> {
    const out = new Map<string, WindowAccumulator>();
    for (const [key, acc] of minute.keys) out.set(key, new WindowAccumulator().merge(acc));
    for (const [key, late] of minute.late) {
      const acc = out.get(key) ?? new WindowAccumulator();
      out.set(key, acc.merge(late));
    }
    return out;
  }
}
