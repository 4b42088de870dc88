// Mean and variance over the last `size` values in O(1) per update (running sums over a ring).
// Sums are rebuilt from the ring now and then so floating-point drift cannot accumulate.

export class RunningStats {
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;
  private sum = 0;
  private sumSquares = 0;
  private sinceRebuild = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be >= 1, got ${size}`);
    this.ring = new Float64Array(size);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.size) {
      const old = this.ring[this.next];
      this.sum -= old;
      this.sumSquares -= old * old;
    } else {
      this.count++;
    }
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.sum += value;
    this.sumSquares += value * value;
    if (++this.sinceRebuild >= this.size) this.rebuild();
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  variance(): number {
    if (this.count === 0) return NaN;
    const m = this.mean();
    return Math.max(0, this.sumSquares / this.count - m * m);
  }

  private rebuild(): void {
    this.sinceRebuild = 0;
    this.sum = 0;
    this.sumSquares = 0;
    for (let i = 0; i < this.count; i++) {
      this.sum += this.ring[i];
      this.sumSquares += this.ring[i] * this.ring[i];
    }
  }
}
