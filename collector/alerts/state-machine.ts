// One alert per (rule, key): inactive -> pending -> firing -> resolved. Pending waits out the
// rule's for-duration so a single bad window does not page anyone; a firing alert that stays
// true is updated in place (value, repeats) and never re-notified; it resolves when the
// condition goes false, and a later return starts a new episode with a new id.
// A (rule, key) without a condition in an evaluation keeps its state: no data is not "fine".
// Keep-firing-for: a firing alert whose condition goes false stays firing until it has been false
// that long, so a condition flapping around its limit stays one alert; it resolves as of the
// moment it first went false.
import type { Alert, AlertCondition, AlertTransition } from './types.ts';

export interface StateMachineOptions {
  /** Resolved alerts stay visible this long before they are dropped (ms). */
  resolvedRetentionMs: number;
}

export class AlertStateMachine {
  private readonly alerts = new Map<string, Alert>();
  private episodes = 0;
  private readonly options: StateMachineOptions;

  constructor(options: Partial<StateMachineOptions> = {}) {
    this.options = { resolvedRetentionMs: 15 * 60_000, ...options };
  }

  evaluate(conditions: readonly AlertCondition[], now: number): AlertTransition[] {
    const transitions: AlertTransition[] = [];
    for (const condition of conditions) {
      const transition = this.step(condition, now);
      if (transition) transitions.push(transition);
    }
    this.forgetOldResolved(now);
    return transitions;
  }

  /** Pending and firing alerts, plus recently resolved ones. */
  list(): Alert[] {
    return [...this.alerts.values()].map((a) => ({ ...a }));
  }

  get(ruleId: string, key: string): Alert | undefined {
    const alert = this.alerts.get(fingerprintOf(ruleId, key));
    return alert && { ...alert };
  }

  private step(c: AlertCondition, now: number): AlertTransition | null {
    const fingerprint = fingerprintOf(c.ruleId, c.key);
    const alert = this.alerts.get(fingerprint);
    if (!alert || alert.state === 'resolved') {
      if (!c.active) return null;
      const fresh = this.open(c, fingerprint, now);
      this.alerts.set(fingerprint, fresh);
      return c.forMs <= 0 ? this.fire(fresh, now) : { kind: 'pending', alert: { ...fresh } };
    }
    refresh(alert, c, now);
    if (alert.state === 'pending') {
      if (!c.active) {
        this.alerts.delete(fingerprint);
        return { kind: 'cancelled', alert: { ...alert } };
      }
      return now - alert.activeSince >= c.forMs ? this.fire(alert, now) : null;
    }
    if (c.active) {
      alert.repeats++;
      alert.clearedSince = null;
      return { kind: 'updated', alert: { ...alert } };
    }
    alert.clearedSince ??= now;
    if (now - alert.clearedSince < (c.keepFiringForMs ?? 0)) return null;
    alert.state = 'resolved';
    alert.resolvedAt = alert.clearedSince;
    alert.clearedSince = null;
    return { kind: 'resolved', alert: { ...alert } };
  }

  /** Everything needed to carry on after a restart (alert-store.ts keeps it). */
  dump(): Alert[] {
    return this.list();
  }

  /** Takes back a dump: the same alerts, with the same ids, in the same states. */
  restore(alerts: readonly Alert[]): void {
    this.alerts.clear();
    for (const a of alerts) this.alerts.set(a.fingerprint, { ...a });
  }

  private open(c: AlertCondition, fingerprint: string, now: number): Alert {
    this.episodes++;
    return {
      id: `${fingerprint}@${now}#${this.episodes}`,
      fingerprint,
      ruleId: c.ruleId,
      key: c.key,
      state: 'pending',
      severity: c.severity,
      summary: c.summary,
      value: c.value,
      threshold: c.threshold,
      activeSince: now,
      firedAt: null,
      resolvedAt: null,
      lastEvaluatedAt: now,
      repeats: 0,
      notify: c.notify ?? true,
      clearedSince: null,
    };
  }

  private fire(alert: Alert, now: number): AlertTransition {
    alert.state = 'firing';
    alert.firedAt = now;
    return { kind: 'firing', alert: { ...alert } };
  }

  private forgetOldResolved(now: number): void {
    for (const [fingerprint, alert] of this.alerts) {
      if (alert.state === 'resolved' && now - (alert.resolvedAt ?? now) > this.options.resolvedRetentionMs) {
        this.alerts.delete(fingerprint);
      }
    }
  }
}

export function fingerprintOf(ruleId: string, key: string): string {
  return `${ruleId}|${key}`;
}

function refresh(alert: Alert, c: AlertCondition, now: number): void {
  alert.lastEvaluatedAt = now;
  alert.notify = c.notify ?? true;
  if (!c.active) return; // keep the last bad value and summary for the resolved notice
  alert.value = c.value;
  alert.summary = c.summary;
  alert.severity = c.severity;
  alert.threshold = c.threshold;
}
