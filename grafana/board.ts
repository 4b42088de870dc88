// What every Starwatch board shares: tags, refresh, the alert and anomaly annotations, and a link
// to the other boards.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { anomalies, firingAlerts } from './annotations.ts';

export interface BoardSpec {
  uid: string;
  title: string;
  description: string;
  /** Default time range; the forecast board looks ahead, so it ends in the future. */
  time?: { from: string; to: string };
}

export function board(spec: BoardSpec): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['starwatch'])
    .timezone('browser')
    .time(spec.time ?? { from: 'now-6h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly()
    .annotation(firingAlerts())
    .annotation(anomalies())
    .link(
      new dashboard.DashboardLinkBuilder('Starwatch boards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['starwatch'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false),
    );
}

export const row = (title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title);
