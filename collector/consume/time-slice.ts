// Cooperative time slicing for the consume loop: a fetched batch is handed over message by
// message, and a batch of big bad messages (each a JSON.parse and validation of up to 1 MiB) would
// otherwise run back to back and hold /healthz, /metrics and the API for as long. After each
// message, once the slice is used up, the loop yields to the event loop (setImmediate: pending
// I/O runs first) and a new slice starts.
export class TimeSlice {
  private startedMs = performance.now();

  /** budgetMs: how long the loop may run before it lets others in (0 = after every message). */
  constructor(private readonly budgetMs: number) {}

  /** True when the slice is used up (then call next()). */
  get due(): boolean {
    return performance.now() - this.startedMs >= this.budgetMs;
  }

  /** Lets pending I/O and timers run, then starts a new slice. */
  async next(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.startedMs = performance.now();
  }
}
