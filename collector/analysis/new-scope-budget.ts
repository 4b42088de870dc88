// How many model versions a window group may start judging: a scope seen for the first time
// builds its detectors, drift monitor and forecasters (a dozen series each), 1-16 ms a scope on
// a loaded machine, and a hostile batch of 50 new model versions made one group of 50 new scopes
// that held the event loop (and /healthz) 100-800 ms. Scopes past the budget are left for the
// next windows (their first window is a detector's warm-up anyway); scopes already judged are
// never deferred, so real traffic keeps every verdict.
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import { warnOnGrowth } from '../warn-on-growth.ts';

/** New scopes per window group (`analysis.newScopesPerWindow`). */
export const DEFAULT_NEW_SCOPES_PER_WINDOW = 4;

export class NewScopeBudget {
  /** Scopes left for a later window, in all. */
  deferred = 0;
  private left: number;

  constructor(private readonly perWindow: number) {
    this.left = perWindow;
  }

  /** At the start of each window group. */
  reset(): void {
    this.left = this.perWindow;
  }

  /** True when a scope may be judged now; a new one spends the budget, a known one never. */
  admit(isNew: boolean): boolean {
    if (!isNew) return true;
    if (this.left > 0) {
      this.left--;
      return true;
    }
    this.deferred++;
    return false;
  }
}

/** `starwatch_collector_analysis_scopes_deferred_total`, and a warning at most every `everyMs`. */
export function watchNewScopeBudget(deferred: () => number, registry: Registry, log: Logger, everyMs = 10_000): () => void {
  new Gauge({
    name: 'starwatch_collector_analysis_scopes_deferred_total',
    help: 'New model-version scopes left to later windows (analysis.newScopesPerWindow reached in one window group)',
    registers: [registry],
    collect() {
      this.set(deferred());
    },
  });
  return warnOnGrowth(deferred, (growth, total) => log.warn('analysis_scopes_deferred', { deferred: growth, total }), everyMs);
}
