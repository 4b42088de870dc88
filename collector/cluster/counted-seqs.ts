// Which events of a redelivered message were already counted, so no event is counted twice:
// a replica that dies after publishing a minute but before acking its messages has them
// redelivered to another replica, whose pipeline drops the events of minutes <= the dead
// replica's published `through` for that message (they are in its published partials).
export class CountedSeqs {
  private readonly bySeq = new Map<number, { through: number; atMs: number }>();

  constructor(private readonly keepMs: number) {}

  get size(): number {
    return this.bySeq.size;
  }

  record(seqs: readonly number[], through: number, atMs: number): void {
    for (const seq of seqs) {
      const was = this.bySeq.get(seq);
      // Re-inserted so the map stays ordered by time, which lets prune stop early.
      this.bySeq.delete(seq);
      this.bySeq.set(seq, { through: Math.max(through, was?.through ?? through), atMs });
    }
    this.prune(atMs);
  }

  /** The last minute whose events of this message were counted, or undefined. */
  throughOf(seq: number): number | undefined {
    return this.bySeq.get(seq)?.through;
  }

  private prune(nowMs: number): void {
    for (const [seq, entry] of this.bySeq) {
      if (nowMs - entry.atMs <= this.keepMs) return;
      this.bySeq.delete(seq);
    }
  }
}
