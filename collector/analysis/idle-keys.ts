// Which model versions the analysis stage has not seen for a while (event time), so their
// detectors, drift monitors and forecasters can be dropped: a version that stops (replaced, or a
// one-off sent by a broken or hostile client) would otherwise keep its state for ever.
export class IdleKeys {
  /** Last window start seen per key, in the order they were last seen (oldest first). */
  private readonly lastSeen = new Map<string, number>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly idleMs: number) {}

  /** Marks `key` seen at `t`; returns the keys idle for idleMs by then (looked for every idleMs / 10). */
  seen(key: string, t: number): string[] {
    this.lastSeen.delete(key);
    this.lastSeen.set(key, t);
    if (t - this.lastSweep < this.idleMs / 10) return [];
    this.lastSweep = t;
    const idle: string[] = [];
    for (const [k, at] of this.lastSeen) {
      if (t - at < this.idleMs) break; // the rest were seen later
      idle.push(k);
    }
    for (const k of idle) this.lastSeen.delete(k);
    return idle;
  }
}
