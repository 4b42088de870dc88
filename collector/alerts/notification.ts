// What a notifier sends: built from the alert alone, so nothing of a notifier's own config
// (webhook URLs with tokens, SMTP credentials) can end up in a payload.
import type { Alert, AlertTransition } from './types.ts';

export interface AlertNotification {
  v: 1;
  id: string;
  fingerprint: string;
  rule: string;
  key: string;
  status: 'firing' | 'resolved';
  severity: Alert['severity'];
  summary: string;
  value: number;
  threshold: number;
  startsAt: string;
  endsAt: string | null;
}

export interface Notifier {
  readonly name: string;
  /** Rejects with a NotifyError on failure; never puts secrets in the error. */
  notify(notification: AlertNotification): Promise<void>;
}

export class NotifyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function toNotification(transition: AlertTransition): AlertNotification | null {
  const { kind, alert } = transition;
  if (kind !== 'firing' && kind !== 'resolved') return null;
  return {
    v: 1,
    id: alert.id,
    fingerprint: alert.fingerprint,
    rule: alert.ruleId,
    key: alert.key,
    status: kind,
    severity: alert.severity,
    summary: alert.summary,
    value: alert.value,
    threshold: alert.threshold,
    startsAt: new Date(alert.firedAt ?? alert.activeSince).toISOString(),
    endsAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt).toISOString(),
  };
}

/** One line for chat and mail subjects: '[FIRING] critical fpr_above_target overall: FPR 0.080% > 0.050%'. */
export function headline(n: AlertNotification): string {
  return `[${n.status.toUpperCase()}] ${n.severity} ${n.rule} ${n.key}: ${n.summary}`;
}
