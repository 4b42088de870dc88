// A fixed-size window over the latest values that answers median and MAD quickly. It keeps a
// sorted copy beside the ring buffer so each update costs O(size) with no re-sort.

export class RollingWindow {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private next = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be >= 1, got ${size}`);
  }

  get length(): number {
    return this.ring.length;
  }

  get full(): boolean {
    return this.ring.length === this.size;
  }

  push(value: number): void {
    if (this.ring.length < this.size) {
      this.ring.push(value);
    } else {
      const old = this.ring[this.next];
      this.sorted.splice(lowerBound(this.sorted, old), 1);
      this.ring[this.next] = value;
      this.next = (this.next + 1) % this.size;
    }
    this.sorted.splice(lowerBound(this.sorted, value), 0, value);
  }

  median(): number {
    return medianOfSorted(this.sorted);
  }

  /** Median absolute deviation from the median (unscaled). */
  mad(): number {
    const m = this.median();
    const deviations = this.sorted.map((v) => Math.abs(v - m)).sort((a, b) => a - b);
    return medianOfSorted(deviations);
  }

  /** Largest value in the window; NaN when empty. */
  max(): number {
    return this.sorted.length === 0 ? NaN : this.sorted[this.sorted.length - 1];
  }

  values(): readonly number[] {
    return this.sorted;
  }
}

/** MAD times this estimates the standard deviation of normal data. */
export const MAD_TO_SIGMA = 1.4826;

export function medianOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function median(values: readonly number[]): number {
  return medianOfSorted([...values].sort((a, b) => a - b));
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
