// Merges the replicas' partial windows exactly, a minute at a time, when the leader's decision
// for it is read. Every replica runs one on the same ordered stream, so all of them compute the
// same merged windows: the leader's feed the analysis, every replica's feed its live page.
// Leaves (agent, model version) are merged; the rollups (`*`) are computed from the merged
// leaves as the engine computes them from its own.
// Every message counts once: JetStream can hand a message to a second replica while the first
// still holds it (its keep-alive missed the ack wait), and both count it. A replica counts a
// redelivered message apart (a partial with `seq`), so at the merge a minute takes the
// replicas' own windows (first deliveries, each message in one replica only) and, of each
// redelivered message, the first committed copy, and only if no own windows counted it.
import { GRANULARITIES, type Granularity } from '../../schemas/measurements.ts';
import { WindowAccumulator } from '../windows/accumulator.ts';
import { decodeState } from '../windows/state.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { rollUps } from '../windows/roll-ups.ts';
import { SeqRanges } from './seq-ranges.ts';
import { type MergeMessage, type PartialMessage, type PartialWindow } from './messages.ts';

/** The `replica` tag of merged windows. */
export const MERGED_REPLICA = 'cluster';
const SEP = '\u0000';
/** Merged minutes whose counted sequences are kept, to tell a late copy from late news. */
const REMEMBERED_MINUTES = 30;

interface PendingMinute {
  /** The replicas' own windows. */
  own: PartialWindow[];
  /** Stream sequences counted in `own`. */
  seqs: SeqRanges;
  /** Redelivered messages' windows, the first committed copy of each (by replica and incarnation). */
  redelivered: Map<number, { from: string; windows: PartialWindow[] }>;
}

export class MinuteMerger {
  private readonly partials = new Map<number, PendingMinute>();
  /** Sequences counted in recently merged minutes. */
  private readonly mergedSeqs = new Map<number, SeqRanges>();
  /** Partials not yet confirmed by their replica's mark, per replica and incarnation. */
  private readonly staged = new Map<string, PartialMessage[]>();
  mergedThrough = Number.NEGATIVE_INFINITY;
  /** Partial windows that came after their minute was merged (they are not in it). */
  latePartials = 0;
  /** Partial windows of replicas the decision left out (dropped as dead); 0 since every committed partial counts. */
  droppedPartials = 0;
  /** Windows of redelivered messages left out: another replica had counted the message (duplicates avoided). */
  duplicatePartials = 0;
  /** Redelivered messages left out for that reason (each at most once per minute). */
  duplicateMessages = 0;

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
      // A redelivered message the merged minute already had is a copy, not news.
      if (p.seq !== undefined && this.mergedSeqs.get(p.minute)?.has(p.seq)) this.duplicatePartials += p.windows.length;
      else this.latePartials += p.windows.length;
      return;
    }
    let minute = this.partials.get(p.minute);
    if (!minute) this.partials.set(p.minute, (minute = { own: [], seqs: new SeqRanges(), redelivered: new Map() }));
    if (p.seq === undefined) {
      minute.own.push(...p.windows);
      minute.seqs.addRanges(p.seqs ?? []);
      return;
    }
    const from = p.replica + SEP + p.incarnation;
    const copy = minute.redelivered.get(p.seq);
    if (!copy) minute.redelivered.set(p.seq, { from, windows: [...p.windows] });
    else if (copy.from === from) copy.windows.push(...p.windows);
    else this.duplicatePartials += p.windows.length;
  }

  /**
   * Applies a decision: the merged windows of its minutes, finest first, oldest first per minute.
   * Every committed partial counts, also of a replica the decision names no more: it was complete
   * (its mark followed), and messages it had acked come back to no one.
   */
  decide(d: MergeMessage): WindowResult[] {
    if (d.through <= this.mergedThrough) return [];
    const minutes = [...this.partials.keys()].filter((m) => m <= d.through).sort((a, b) => a - b);
    const results: WindowResult[] = [];
    for (const minute of minutes) {
      const pending = this.partials.get(minute)!;
      this.partials.delete(minute);
      const windows = [...pending.own];
      for (const [seq, copy] of pending.redelivered) {
        if (pending.seqs.has(seq)) {
          this.duplicatePartials += copy.windows.length;
          this.duplicateMessages++;
          continue;
        }
        pending.seqs.addRanges([seq, 1]);
        windows.push(...copy.windows);
      }
      this.remember(minute, pending.seqs);
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

  private remember(minute: number, seqs: SeqRanges): void {
    this.mergedSeqs.set(minute, seqs);
    for (const old of this.mergedSeqs.keys()) {
      if (this.mergedSeqs.size <= REMEMBERED_MINUTES) break;
      this.mergedSeqs.delete(old);
    }
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
