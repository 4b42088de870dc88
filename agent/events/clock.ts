// Event timestamps in nanoseconds since the epoch. Wall time is read once and then advanced
// by the monotonic hrtime clock, so timestamps never go back when the wall clock is stepped;
// a tiebreak makes every timestamp of one clock strictly greater than the one before, which
// keeps them unique per agent (InfluxDB points keyed by time stay distinct).

export class NanoClock {
  private readonly anchorWallNs: bigint;
  private readonly anchorMonoNs: bigint;
  private last = 0n;

  constructor(nowMs: number = Date.now(), monoNs: bigint = process.hrtime.bigint()) {
    this.anchorWallNs = BigInt(Math.round(nowMs * 1e6));
    this.anchorMonoNs = monoNs;
  }

  /** The next timestamp: now, or one nanosecond past the previous one if that is later. */
  next(): bigint {
    const now = this.anchorWallNs + (process.hrtime.bigint() - this.anchorMonoNs);
    this.last = now > this.last ? now : this.last + 1n;
    return this.last;
  }
}
