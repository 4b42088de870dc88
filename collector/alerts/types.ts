// Alert vocabulary. Rules turn a metrics snapshot into conditions (is rule R true for key K
// right now?); the state machine turns conditions over time into alerts with a lifecycle;
// notifiers tell people about the transitions that matter (firing, resolved).

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertCondition {
  ruleId: string;
  /** What the rule is about: 'overall', 'model:4.0.1', 'overall/method=exif', 'agent:a/latency_p95'. */
  key: string;
  active: boolean;
  severity: Severity;
  /** Stay active this long before firing (ms); 0 fires at once. */
  forMs: number;
  value: number;
  threshold: number;
  /** One line for people, e.g. 'FPR 0.080% > 0.050%'. */
  summary: string;
  /** False: an annotation (stored, shown live), never sent to people. Default true. */
  notify?: boolean;
  /** A firing alert whose condition goes false stays firing this long (ms), so a flapping condition stays one alert. */
  keepFiringForMs?: number;
}

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  /** Unique per episode: a new one each time the rule starts firing again. */
  id: string;
  /** Stable per (rule, key): the deduplication key. */
  fingerprint: string;
  ruleId: string;
  key: string;
  state: AlertState;
  severity: Severity;
  summary: string;
  value: number;
  threshold: number;
  activeSince: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastEvaluatedAt: number;
  /** Evaluations that found it still firing after it fired (updated, not re-notified). */
  repeats: number;
  /** Whether its transitions reach people (annotations do not). */
  notify: boolean;
  /** While firing: when the condition last went false (kept firing for keep-firing-for), else null. */
  clearedSince: number | null;
}

export type TransitionKind = 'pending' | 'firing' | 'updated' | 'resolved' | 'cancelled';

export interface AlertTransition {
  kind: TransitionKind;
  alert: Alert;
}
