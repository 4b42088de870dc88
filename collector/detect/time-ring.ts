// The last `capacity` points with their timestamps, looked up by time: "the value one day
// before this point" is found by binary search, so gaps and uneven windows do not shift it.

export class TimeRing {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private count = 0;
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be >= 2, got ${capacity}`);
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(ts: number, value: number): void {
    this.times[this.next] = ts;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The i-th newest value (0 = the latest). */
  recent(i: number): number {
    return this.values[this.slot(this.count - 1 - i)];
  }

  oldestTs(): number {
    return this.count === 0 ? NaN : this.times[this.slot(0)];
  }

  latestTs(): number {
    return this.count === 0 ? NaN : this.times[this.slot(this.count - 1)];
  }

  /** Value of the point nearest to ts, if one lies within `tolerance`; NaN otherwise. */
  near(ts: number, tolerance: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[this.slot(mid)] < ts) lo = mid + 1;
      else hi = mid;
    }
    let best = NaN;
    let bestGap = tolerance;
    for (const i of [lo - 1, lo]) {
      if (i < 0 || i >= this.count) continue;
      const gap = Math.abs(this.times[this.slot(i)] - ts);
      if (gap <= bestGap) {
        bestGap = gap;
        best = this.values[this.slot(i)];
      }
    }
    return best;
  }

  /** Ring slot of the i-th oldest point. */
  private slot(i: number): number {
    return (this.next - this.count + i + this.capacity) % this.capacity;
  }
}
