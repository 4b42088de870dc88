// Short-lived answers for the InfluxDB-backed routes: identical requests within `ttlMs` share one
// query (in flight or done). The data under them changes when a 1-minute window closes, so a few
// seconds of staleness costs nothing, and a burst of dashboards becomes one query.
export class QueryCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 256,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.delete(key)); // errors are not remembered
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
