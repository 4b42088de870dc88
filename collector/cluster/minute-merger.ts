// Merges the replicas' partial windows exactly, a minute at a time, when the leader's decision
// for it is read. Every replica runs one on the same ordered stream, so all of them compute the
// same merged windows: the leader's feed the analysis, every replica's feed its live page.
// Leaves (agent, model version) are merged; the rollups (`*`) are computed from the merged
// leaves as the engine computes them from its own.
import { GRANULARITIES, type Granularity } from '../../schemas/measurements.ts';
import { WindowAccumulator } from '../windows/accumulator.ts';
import { decodeState } from '../windows/state.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { rollUps } from '../windows/roll-ups.ts';
import type { MergeMessage, PartialMessage, PartialWindow } from './messages.ts';

/** The `replica` tag of merged windows. */
export const MERGED_REPLICA = 'cluster';
const SEP = '\u0000';

export class MinuteMerger {
  /** minute -> replica -> windows */
  private readonly partials = new Map<number, Map<string, PartialWindow[]>>();
  /** Partials not yet confirmed by their replica's mark, per replica and incarnation. */
  private readonly staged = new Map<string, PartialMessage[]>();
  mergedThrough = Number.NEGATIVE_INFINITY;
  /** Partial windows that came after their minute was merged (they are not in it). */
  latePartials = 0;
  /** Partial windows of replicas the decision left out (dropped as dead). */
  droppedPartials = 0;

  /** A partial counts once its replica's next mark says it was all published (commit). */
  addPartial(p: PartialMessage): void {
    const key = p.replica + SEP + p.incarnation;
    const list = this.staged.get(key);
    if (list) list.push(p);
    else this.staged.set(key, [p]);
  }

  /**
   * The replica's mark: its partials so far are complete. Those of a replica that died before
   * its mark are never committed: its messages were not acked, and are counted again elsewhere.
   */
  commit(replica: string, incarnation: string): void {
    const key = replica + SEP + incarnation;
    const list = this.staged.get(key);
    if (!list) return;
    this.staged.delete(key);
    for (const p of list) this.accept(p);
  }

  /** Staged partials that no mark will commit (their replica died), for tests and metrics. */
  uncommitted(): number {
    let n = 0;
    for (const list of this.staged.values()) n += list.length;
    return n;
  }

  private accept(p: PartialMessage): void {
    if (p.minute <= this.mergedThrough) {
      this.latePartials += p.windows.length;
      return;
    }
    let byReplica = this.partials.get(p.minute);
    if (!byReplica) this.partials.set(p.minute, (byReplica = new Map()));
    const list = byReplica.get(p.replica);
    if (list) list.push(...p.windows);
    else byReplica.set(p.replica, [...p.windows]);
  }

  /** Applies a decision: the merged windows of its minutes, finest first, oldest first per minute. */
  decide(d: MergeMessage): WindowResult[] {
    if (d.through <= this.mergedThrough) return [];
    const minutes = [...this.partials.keys()].filter((m) => m <= d.through).sort((a, b) => a - b);
    const from = new Set(d.replicas);
    const results: WindowResult[] = [];
    for (const minute of minutes) {
      const byReplica = this.partials.get(minute)!;
      this.partials.delete(minute);
      const windows: PartialWindow[] = [];
      for (const [replica, list] of byReplica) {
        if (from.has(replica)) windows.push(...list);
        else this.droppedPartials += list.length;
      }
      results.push(...mergeMinute(windows));
    }
    this.mergedThrough = d.through;
    // A dead incarnation's uncommitted partials of merged minutes can never count: forgotten.
    for (const [key, list] of this.staged) {
      const open = list.filter((p) => p.minute > d.through);
      if (open.length === 0) this.staged.delete(key);
      else this.staged.set(key, open);
    }
    return results;
  }

  /** Minutes waiting for a decision (for metrics and tests). */
  pendingMinutes(): number {
    return this.partials.size;
  }
}

function mergeMinute(windows: readonly PartialWindow[]): WindowResult[] {
  // granularity -> start -> leaf key -> merged accumulator
  const merged = new Map<Granularity, Map<number, Map<string, WindowAccumulator>>>();
  for (const w of windows) {
    let byStart = merged.get(w.g);
    if (!byStart) merged.set(w.g, (byStart = new Map()));
    let byKey = byStart.get(w.start);
    if (!byKey) byStart.set(w.start, (byKey = new Map()));
    const key = w.model_version + SEP + w.agent;
    const acc = decodeState(w.state);
    const into = byKey.get(key);
    if (into) into.merge(acc);
    else byKey.set(key, acc);
  }
  const results: WindowResult[] = [];
  for (const g of GRANULARITIES) {
    const byStart = merged.get(g);
    if (!byStart) continue;
    for (const start of [...byStart.keys()].sort((a, b) => a - b)) results.push(...rollUps(g, start, byStart.get(start)!, MERGED_REPLICA));
  }
  return results;
}
