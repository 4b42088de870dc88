// Served scans between start and answer, so shadow work can wait for a moment when none runs:
// a shadow started beside a served scan takes a core (or a cache) the served scan wants, and
// that showed as +10-15% on the served p95 (bench agent --shadow-share 0.1).
export class ServedInFlight {
  private count = 0;
  /** One promise for every waiter of the same busy spell, so waiters that give up leave nothing behind. */
  private idle: { promise: Promise<void>; wake: () => void } | null = null;

  enter(): void {
    this.count++;
  }

  /** Once per enter(). */
  leave(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count > 0 || !this.idle) return;
    const { wake } = this.idle;
    this.idle = null;
    wake();
  }

  get busy(): boolean {
    return this.count > 0;
  }

  /** Resolves when no served scan runs (at once if none does). */
  whenIdle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    if (!this.idle) {
      let wake = () => {};
      const promise = new Promise<void>((resolve) => (wake = resolve));
      this.idle = { promise, wake };
    }
    return this.idle.promise;
  }
}
