// Short-lived answers for the InfluxDB-backed routes: identical requests within `ttlMs` share one
// query (in flight or done). The data under them changes when a 1-minute window closes, so a few
// seconds of staleness costs nothing, and a burst of dashboards becomes one query.
// A cached answer is one object sent to every request within the cache's lifetime (never changed:
// it is shared), so its JSON text is made once too (jsonOf): serialising was most of what a
// cached request cost.

const shared = new WeakSet<object>();
const texts = new WeakMap<object, string>();

/** JSON text of a reply body; made once for an answer from a QueryCache. */
export function jsonOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || !shared.has(body)) return JSON.stringify(body);
  let text = texts.get(body);
  if (text === undefined) texts.set(body, (text = JSON.stringify(body)));
  return text;
}

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
    const value = compute().then((answer) => {
      if (typeof answer === 'object' && answer !== null) shared.add(answer);
      return answer;
    });
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.delete(key)); // errors are not remembered
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
