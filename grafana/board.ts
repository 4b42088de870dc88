// What every Starwatch board shares: tags, refresh, the retention policy constants, the anomaly
// window variable its annotation needs, the alert/anomaly/deploy annotations, and links to the
// other boards that keep the time range and the variables picked.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { agentStarts, anomalies, firingAlerts } from './annotations.ts';
import { MEASUREMENTS } from './contract.ts';
import { analysisGranularity, retentionPolicies, type Policies } from './variables.ts';

export interface BoardSpec {
  uid: string;
  title: string;
  description: string;
  /** Default time range; the forecast board looks ahead, so it ends in the future. */
  time?: { from: string; to: string };
}

/** Variables go in the order given: the board's own first, then the shared ones (see withShared). */
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
    .annotation(agentStarts())
    .link(
      new dashboard.DashboardLinkBuilder('Starwatch boards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['starwatch'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true),
    );
}

/** The variables every board needs after its own: the anomaly window, then the policy constants. */
export function withShared(b: dashboard.DashboardBuilder, policies: Policies): dashboard.DashboardBuilder {
  if (!hasVariable(b, 'anomaly_granularity')) b.withVariable(analysisGranularity('anomaly_granularity', MEASUREMENTS.anomaly, '10s'));
  for (const v of retentionPolicies(policies)) b.withVariable(v);
  return b;
}

function hasVariable(b: dashboard.DashboardBuilder, name: string): boolean {
  return (b.build().templating?.list ?? []).some((v) => v.name === name);
}

export const row = (title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title);
