// The live comparison: events of a rollout (tagged primary, shadow or canary by the agent) go
// into windows per agent; a shadow's verdict meets its primary's by pair id; a closed window is
// written as one `rollout` point and added to the running totals per primary/candidate pair,
// which the API and the canary watch read.
import type { InferenceEvent, Outputs } from '../../schemas/inference-event.ts';
import type { PointSink } from '../sinks/sink.ts';
import { ComparisonWindow, type PairKey } from './comparison-window.ts';

export const COMPARER_DEFAULTS = {
  /** Window of the comparison. */
  windowMs: 60_000,
  /** A window is written this long after its end (events arrive late by up to this). */
  closeAfterMs: 10_000,
  /** Verdicts waiting for the other half of their pair; beyond it the oldest is dropped (counted). */
  maxPairsWaiting: 10_000,
};

export type ComparerSettings = typeof COMPARER_DEFAULTS;

interface Half {
  agent: string;
  primary: boolean;
  outputs: Outputs;
  windowKey: string;
}

export interface ComparerCounts {
  pairsMatched: number;
  /** Halves dropped: the waiting list was full, or the window of the pair had been written. */
  pairsDropped: number;
}

export const pairName = (primary: string, candidate: string): string => `${primary}|${candidate}`;

export class RolloutComparer {
  readonly counts: ComparerCounts = { pairsMatched: 0, pairsDropped: 0 };
  /** Everything written so far, per "primary|candidate". */
  readonly totals = new Map<string, { total: ComparisonWindow; firstMs: number; endMs: number }>();
  private readonly settings: ComparerSettings;
  private readonly open = new Map<string, ComparisonWindow>();
  /** Whether the candidate of each "primary|candidate" answers (canary) or only scores (shadow). */
  readonly modes = new Map<string, 'shadow' | 'canary'>();
  private readonly versions = new Map<string, { primary: string; candidate: string }>();
  private readonly agentModes = new Map<string, 'shadow' | 'canary'>();
  private readonly waiting = new Map<string, Half>();
  private readonly listeners: ((window: ComparisonWindow) => void)[] = [];

  constructor(
    private readonly sink: PointSink | null,
    settings: Partial<ComparerSettings> = {},
  ) {
    this.settings = { ...COMPARER_DEFAULTS, ...settings };
  }

  onClosed(listener: (window: ComparisonWindow) => void): void {
    this.listeners.push(listener);
  }

  add(event: InferenceEvent, tsMs: number): void {
    const rollout = event.rollout;
    if (!rollout) return;
    const primary = rollout.role === 'primary';
    const known = this.versions.get(event.agent_id) ?? { primary: 'unknown', candidate: 'unknown' };
    if (primary) known.primary = event.model.version;
    else {
      known.candidate = event.model.version;
      this.agentModes.set(event.agent_id, rollout.role === 'canary' ? 'canary' : 'shadow');
    }
    this.versions.set(event.agent_id, known);
    const start = tsMs - (tsMs % this.settings.windowMs);
    const windowKey = `${start}|${event.agent_id}`;
    let window = this.open.get(windowKey);
    if (!window) this.open.set(windowKey, (window = new ComparisonWindow(start, this.settings.windowMs, { agent: event.agent_id, primary: '', candidate: '' })));
    (primary ? window.primarySide : window.candidateSide).add(event);
    if (rollout.pair_id && event.outputs) this.pair(`${event.agent_id}|${rollout.pair_id}`, { agent: event.agent_id, primary, outputs: event.outputs, windowKey });
  }

  /** Closes and writes the windows whose time has passed. */
  advance(nowMs: number): void {
    for (const [key, window] of this.open) {
      if (window.startMs + window.sizeMs + this.settings.closeAfterMs > nowMs) continue;
      this.open.delete(key);
      this.close(window);
    }
  }

  /** Writes every open window now (at shutdown). */
  flush(): void {
    for (const window of this.open.values()) this.close(window);
    this.open.clear();
  }

  private close(open: ComparisonWindow): void {
    // The pair is named when the window closes: a window's first events may precede the first
    // candidate verdict the agent sent.
    const versions = this.versions.get(open.key.agent) ?? { primary: 'unknown', candidate: 'unknown' };
    const key: PairKey = { agent: open.key.agent, ...versions };
    const window = new ComparisonWindow(open.startMs, open.sizeMs, key);
    window.merge(open);
    this.sink?.write([window.point()]);
    const name = pairName(key.primary, key.candidate);
    const mode = this.agentModes.get(key.agent);
    if (mode) this.modes.set(name, mode);
    const seen = this.totals.get(name);
    if (seen) {
      seen.total.merge(window);
      seen.firstMs = Math.min(seen.firstMs, window.startMs);
      seen.endMs = Math.max(seen.endMs, window.startMs + window.sizeMs);
    } else {
      const total = new ComparisonWindow(window.startMs, window.sizeMs, { agent: '*', primary: key.primary, candidate: key.candidate });
      total.merge(window);
      this.totals.set(name, { total, firstMs: window.startMs, endMs: window.startMs + window.sizeMs });
    }
    for (const listener of this.listeners) listener(window);
  }

  private pair(id: string, half: Half): void {
    const other = this.waiting.get(id);
    if (!other) {
      if (this.waiting.size >= this.settings.maxPairsWaiting) {
        const oldest = this.waiting.keys().next().value as string;
        this.waiting.delete(oldest);
        this.counts.pairsDropped++;
      }
      this.waiting.set(id, half);
      return;
    }
    this.waiting.delete(id);
    const [p, c] = half.primary ? [half, other] : [other, half];
    const window = this.open.get(p.windowKey);
    if (!window || p.primary === c.primary) {
      this.counts.pairsDropped += 2;
      return;
    }
    window.addPair(p.outputs, c.outputs);
    this.counts.pairsMatched++;
  }
}
