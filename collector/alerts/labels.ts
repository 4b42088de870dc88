// The labels an alert is matched and grouped by: its rule, key and severity, and two derived
// from them, the rule's family and the key's scope.
import type { Alert } from './types.ts';

export const ALERT_LABELS = ['rule', 'key', 'severity', 'family', 'scope'] as const;
export type AlertLabel = (typeof ALERT_LABELS)[number];

/** The labels of an alert that silences and groups use. */
export function alertLabels(a: Pick<Alert, 'ruleId' | 'key' | 'severity'>): Record<AlertLabel, string> {
  return { rule: a.ruleId, key: a.key, severity: a.severity, family: familyOf(a.ruleId), scope: scopeOf(a.key) };
}

/** Rules about the same figure form a family: fpr_above_target and fpr_regression are both 'fpr'. */
export function familyOf(ruleId: string): string {
  if (ruleId.startsWith('fpr')) return 'fpr';
  if (ruleId.startsWith('detection') || ruleId === 'method_imbalance') return 'detection';
  if (ruleId.startsWith('latency')) return 'latency';
  return ruleId;
}

/** 'model:v4/method=exif' -> 'model:v4': the scope (overall, a model) a key belongs to. */
export function scopeOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

