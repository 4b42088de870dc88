// The counts behind FPR and per-method detection over the last few detect windows of one scope,
// pooled: one 10 s window holds a few dozen labelled events, too few to judge a rate on.
import type { Counts } from '../alerts/evidence.ts';
import type { WindowAccumulator } from '../windows/accumulator.ts';

export interface PooledCounts {
  fpr: Counts;
  detectionByMethod: Record<string, Counts>;
}

export class EvidencePool {
  private readonly recent: PooledCounts[] = [];

  constructor(private readonly windows: number) {}

  /** Adds one window's counts and returns the pool of the last `windows` windows. */
  add(acc: WindowAccumulator): PooledCounts {
    this.recent.push(countsOf(acc));
    if (this.recent.length > this.windows) this.recent.shift();
    return this.pooled();
  }

  private pooled(): PooledCounts {
    const out: PooledCounts = { fpr: { hits: 0, n: 0 }, detectionByMethod: {} };
    for (const c of this.recent) {
      out.fpr.hits += c.fpr.hits;
      out.fpr.n += c.fpr.n;
      for (const [m, d] of Object.entries(c.detectionByMethod)) {
        const into = (out.detectionByMethod[m] ??= { hits: 0, n: 0 });
        into.hits += d.hits;
        into.n += d.n;
      }
    }
    return out;
  }
}

function countsOf(acc: WindowAccumulator): PooledCounts {
  const detectionByMethod: Record<string, Counts> = {};
  for (const [m, n] of Object.entries(acc.labelledByMethod)) if (n > 0) detectionByMethod[m] = { hits: acc.detectedByMethod[m as keyof typeof acc.detectedByMethod] ?? 0, n };
  return { fpr: { hits: acc.fp, n: acc.cleanLabelled }, detectionByMethod };
}
