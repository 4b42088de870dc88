// Silences: "do not tell me about alerts matching these labels until then". An operator sets one
// through the API or `starwatch silence add --match rule=... --for 2h`; it expires by itself.
// Silenced alerts are still evaluated, stored and shown live; only notifications are held back.
// Times are wall-clock ms (an operator's "for 2h" is real time).
import { randomUUID } from 'node:crypto';
import { alertLabels, ALERT_LABELS, type AlertLabel } from './labels.ts';
import type { Alert } from './types.ts';

/** Labels a silence may match on; a value ending in `*` matches by prefix. */
export const SILENCE_LABELS = ALERT_LABELS;
type SilenceLabel = AlertLabel;

export interface Silence {
  id: string;
  matchers: Partial<Record<SilenceLabel, string>>;
  createdAt: number;
  endsAt: number;
  comment: string;
}

export interface NewSilence {
  matchers: Record<string, string>;
  durationMs: number;
  comment?: string;
}

export class SilenceError extends Error {
  constructor(
    readonly code: 'silence_invalid' | 'silence_limit' | 'silence_not_found',
    message: string,
  ) {
    super(message);
  }
}

export class SilenceStore {
  private readonly silences = new Map<string, Silence>();

  constructor(
    /** Active silences at most (default 500): each one is checked against every alert. */
    private readonly maxSilences = 500,
    private readonly now: () => number = Date.now,
  ) {}

  add(s: NewSilence): Silence {
    const matchers = checkMatchers(s.matchers);
    if (!(Number.isFinite(s.durationMs) && s.durationMs > 0)) throw new SilenceError('silence_invalid', 'a silence needs a duration above 0');
    this.forgetExpired();
    if (this.silences.size >= this.maxSilences) {
      throw new SilenceError('silence_limit', `at most ${this.maxSilences} active silences (alerts.maxSilences)`);
    }
    const created = this.now();
    const silence: Silence = { id: randomUUID(), matchers, createdAt: created, endsAt: created + s.durationMs, comment: (s.comment ?? '').slice(0, 500) };
    this.silences.set(silence.id, silence);
    return { ...silence };
  }

  /** Ends a silence now; it stays listed as expired until it is forgotten. */
  expire(id: string): Silence {
    const s = this.silences.get(id);
    if (!s) throw new SilenceError('silence_not_found', `no silence ${id}`);
    s.endsAt = Math.min(s.endsAt, this.now());
    return { ...s };
  }

  /** The active silences, soonest to end first. */
  list(): Silence[] {
    this.forgetExpired();
    return [...this.silences.values()].sort((a, b) => a.endsAt - b.endsAt).map((s) => ({ ...s }));
  }

  isSilenced(alert: Pick<Alert, 'ruleId' | 'key' | 'severity'>): boolean {
    const now = this.now();
    const labels = alertLabels(alert);
    for (const s of this.silences.values()) if (s.endsAt > now && matches(s.matchers, labels)) return true;
    return false;
  }

  dump(): Silence[] {
    return [...this.silences.values()].map((s) => ({ ...s }));
  }

  restore(silences: readonly Silence[]): void {
    this.silences.clear();
    for (const s of silences) this.silences.set(s.id, { ...s });
    this.forgetExpired();
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [id, s] of this.silences) if (s.endsAt <= now) this.silences.delete(id);
  }
}

function matches(matchers: Silence['matchers'], labels: Record<SilenceLabel, string>): boolean {
  return Object.entries(matchers).every(([label, want]) => {
    const have = labels[label as SilenceLabel];
    return want.endsWith('*') ? have.startsWith(want.slice(0, -1)) : have === want;
  });
}

function checkMatchers(raw: Record<string, string>): Silence['matchers'] {
  const entries = Object.entries(raw ?? {});
  if (entries.length === 0) throw new SilenceError('silence_invalid', 'a silence needs at least one matcher, e.g. rule=fpr_regression');
  for (const [label, value] of entries) {
    if (!(SILENCE_LABELS as readonly string[]).includes(label)) {
      throw new SilenceError('silence_invalid', `unknown matcher label "${label.slice(0, 40)}" (one of ${SILENCE_LABELS.join(', ')})`);
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new SilenceError('silence_invalid', `matcher ${label} needs a value of 1-200 characters`);
  }
  return Object.fromEntries(entries);
}
