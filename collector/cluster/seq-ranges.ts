// A set of stream sequences kept as the [first, length] runs replicas publish (messages.ts
// toRanges), never expanded: a minute of a busy replica is a few runs, whatever its length.
export class SeqRanges {
  private runs: [number, number][] = [];
  private sorted = true;

  addRanges(flat: readonly number[]): void {
    for (let i = 0; i + 1 < flat.length; i += 2) this.runs.push([flat[i], flat[i + 1]]);
    this.sorted = false;
  }

  has(seq: number): boolean {
    if (!this.sorted) this.normalise();
    // The last run starting at or before seq (runs are sorted and do not overlap).
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.runs[mid][0] <= seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && seq < this.runs[hi][0] + this.runs[hi][1];
  }

  /** Sorted, overlapping and touching runs joined. */
  private normalise(): void {
    const runs = this.runs.sort((a, b) => a[0] - b[0]);
    const out: [number, number][] = [];
    for (const [first, length] of runs) {
      const last = out[out.length - 1];
      if (last && first <= last[0] + last[1]) last[1] = Math.max(last[1], first + length - last[0]);
      else out.push([first, length]);
    }
    this.runs = out;
    this.sorted = true;
  }
}
