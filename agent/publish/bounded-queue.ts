// A ring buffer with a fixed bound. Pushing into a full queue drops the oldest item, so the
// agent keeps the most recent events while NATS is away; the caller counts the drops.

export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`queue capacity must be >= 1, got ${capacity}`);
    this.items = new Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** O(1). Returns true if the oldest item was dropped to make room. */
  push(item: T): boolean {
    const tail = (this.head + this.size) % this.capacity;
    this.items[tail] = item;
    if (this.size < this.capacity) {
      this.size++;
      return false;
    }
    this.head = (this.head + 1) % this.capacity; // overwrote the oldest
    return true;
  }

  /** Removes and returns up to n items, oldest first. */
  take(n: number): T[] {
    const count = Math.min(n, this.size);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.size -= count;
    return out;
  }
}
