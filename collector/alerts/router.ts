// Which alerts are told, when, and together with which: Alertmanager's routing, built in.
// - Only alerts that notify (annotations do not), are not silenced and not inhibited.
// - Grouped by rule family and scope ('latency|overall') by default (`groupBy`, any alert labels):
//   one notification tells the whole group.
// - A new group waits `groupWaitMs` before its first notification, so alerts firing together go
//   out together; later changes (an alert joins or resolves) wait `groupIntervalMs` after the
//   last notification; an unchanged firing group is told again after `repeatIntervalMs`.
// - A group whose every alert has resolved is told at once, and forgotten.
// Time is the caller's `now` (the stage passes event time, like the for-durations).
import { inhibited } from './inhibit.ts';
import { alertLabels, type AlertLabel } from './labels.ts';
import type { SilenceStore } from './silences.ts';
import type { Alert, Severity } from './types.ts';

export interface GroupTimings {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** The labels whose values make a group (default family and scope). */
  groupBy?: readonly AlertLabel[];
}

/** Alertmanager's timings. */
export const GROUP_DEFAULTS: GroupTimings = { groupWaitMs: 30_000, groupIntervalMs: 5 * 60_000, repeatIntervalMs: 4 * 3600_000 };
export const DEFAULT_GROUP_BY: readonly AlertLabel[] = ['family', 'scope'];

export interface GroupedNotice {
  /** 'family|scope'. */
  group: string;
  status: 'firing' | 'resolved';
  /** The most severe alert: the notification's headline. */
  lead: Alert;
  /** Every alert told: the firing ones and those resolved since the last notification. */
  alerts: Alert[];
}

/** What the router remembers per group; kept across restarts (alert-store.ts). */
export interface GroupState {
  key: string;
  createdAt: number;
  lastSentAt: number | null;
  /** Ids of the alerts the last notification told as firing. */
  toldFiring: string[];
}

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

export class NotificationRouter {
  private readonly groups = new Map<string, GroupState>();

  constructor(
    private readonly timings: GroupTimings = GROUP_DEFAULTS,
    private readonly silences?: Pick<SilenceStore, 'isSilenced'>,
  ) {}

  /** The notifications due at `now`, given every alert the state machine holds. */
  route(alerts: readonly Alert[], now: number): GroupedNotice[] {
    const members = this.visible(alerts);
    const notices: GroupedNotice[] = [];
    for (const key of new Set([...members.keys(), ...this.groups.keys()])) {
      const notice = this.step(key, members.get(key) ?? [], now);
      if (notice) notices.push(notice);
    }
    return notices;
  }

  dump(): GroupState[] {
    return [...this.groups.values()].map((g) => ({ ...g, toldFiring: [...g.toldFiring] }));
  }

  restore(groups: readonly GroupState[]): void {
    this.groups.clear();
    for (const g of groups) this.groups.set(g.key, { ...g, toldFiring: [...g.toldFiring] });
  }

  private visible(alerts: readonly Alert[]): Map<string, Alert[]> {
    const inhibitedNow = inhibited(alerts);
    const byGroup = new Map<string, Alert[]>();
    for (const a of alerts) {
      if (!a.notify || a.state === 'pending' || inhibitedNow.has(a.fingerprint) || this.silences?.isSilenced(a)) continue;
      const key = groupKeyOf(a, this.timings.groupBy);
      byGroup.set(key, [...(byGroup.get(key) ?? []), a]);
    }
    return byGroup;
  }

  private step(key: string, members: Alert[], now: number): GroupedNotice | null {
    const firing = members.filter((a) => a.state === 'firing');
    let group = this.groups.get(key);
    if (!group) {
      if (firing.length === 0) return null;
      this.groups.set(key, (group = { key, createdAt: now, lastSentAt: null, toldFiring: [] }));
    }
    const told = new Set(group.toldFiring);
    const resolvedSince = members.filter((a) => a.state === 'resolved' && told.has(a.id));
    if (firing.length === 0) {
      this.groups.delete(key);
      return resolvedSince.length > 0 ? notice(key, 'resolved', resolvedSince) : null;
    }
    const t = this.timings;
    const changed = firing.length !== told.size || firing.some((a) => !told.has(a.id));
    const due =
      group.lastSentAt === null
        ? now - group.createdAt >= t.groupWaitMs
        : now - group.lastSentAt >= (changed ? t.groupIntervalMs : t.repeatIntervalMs);
    if (!due) return null;
    group.lastSentAt = now;
    group.toldFiring = firing.map((a) => a.id);
    return notice(key, 'firing', [...firing, ...resolvedSince]);
  }
}

export function groupKeyOf(a: Pick<Alert, 'ruleId' | 'key' | 'severity'>, groupBy: readonly AlertLabel[] = DEFAULT_GROUP_BY): string {
  const labels = alertLabels(a);
  return groupBy.map((l) => labels[l]).join('|');
}

function notice(group: string, status: GroupedNotice['status'], alerts: Alert[]): GroupedNotice {
  const firingFirst = (a: Alert): number => (a.state === 'firing' ? 1 : 0);
  const sorted = [...alerts].sort((a, b) => firingFirst(b) - firingFirst(a) || RANK[b.severity] - RANK[a.severity] || (a.firedAt ?? 0) - (b.firedAt ?? 0));
  return { group, status, lead: sorted[0], alerts: sorted };
}
