// What a notifier sends: built from the alert alone, so nothing of a notifier's own config
// (webhook URLs with tokens, SMTP credentials) can end up in a payload.
import type { GroupedNotice } from './router.ts';
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
  /** Grouped notifications: the group ('latency|overall') and every alert it tells. */
  group?: string;
  alerts?: NotifiedAlert[];
  /** Slices ranked by how much they explain (collector/rootcause), when the stage has one. */
  root_cause?: unknown[];
  /** The board to look at (alerts.boardUrl). */
  link?: string;
}

export interface NotifiedAlert {
  id: string;
  rule: string;
  key: string;
  status: 'firing' | 'resolved';
  severity: Alert['severity'];
  summary: string;
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

/** A group's notification: headed by its lead alert (so one alert alone reads as before), listing all. */
export function groupNotification(g: GroupedNotice, extras: { rootCause?: unknown[] | null; link?: string } = {}): AlertNotification {
  const { lead } = g;
  const others = g.alerts.length - 1;
  const n: AlertNotification = {
    v: 1,
    id: lead.id,
    fingerprint: lead.fingerprint,
    rule: lead.ruleId,
    key: lead.key,
    status: g.status,
    severity: lead.severity,
    summary: others > 0 ? `${lead.summary} (+${others} more)` : lead.summary,
    value: lead.value,
    threshold: lead.threshold,
    startsAt: new Date(lead.firedAt ?? lead.activeSince).toISOString(),
    endsAt: g.status === 'resolved' && lead.resolvedAt !== null ? new Date(lead.resolvedAt).toISOString() : null,
    group: g.group,
    alerts: g.alerts.map((a) => ({ id: a.id, rule: a.ruleId, key: a.key, status: a.state === 'firing' ? 'firing' : 'resolved', severity: a.severity, summary: a.summary })),
  };
  if (extras.rootCause && extras.rootCause.length > 0) n.root_cause = extras.rootCause;
  if (extras.link) n.link = extras.link;
  return n;
}

/** One line for chat and mail subjects: '[FIRING] critical fpr_above_target overall: FPR 0.080% > 0.050%'. */
export function headline(n: AlertNotification): string {
  return `[${n.status.toUpperCase()}] ${n.severity} ${n.rule} ${n.key}: ${n.summary}`;
}
