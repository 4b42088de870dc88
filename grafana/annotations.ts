// Marks drawn on every board's time axis: alert episodes (firing to resolved, as regions), flagged
// anomalies with their root cause, and agent starts with the model version they run (deploys).
// The InfluxDB datasource reads annotation queries from `target` (query plus the columns that give
// the text, the tags and, for regions, the end time).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, from } from './contract.ts';
import { DATASOURCE } from './influxql.ts';
import { TARGETS } from './targets.ts';

interface AnnotationTarget extends cog.Dataquery {
  refId: string;
  query: string;
  rawQuery: true;
  resultFormat: 'table';
  fromAnnotations: true;
  textColumn: string;
  tagsColumn: string;
  timeEndColumn?: string;
}

function target(query: string, textColumn: string, tagsColumn: string, timeEndColumn?: string): cog.Builder<cog.Dataquery> {
  const t: AnnotationTarget = {
    refId: 'Anno',
    query,
    rawQuery: true,
    resultFormat: 'table',
    fromAnnotations: true,
    textColumn,
    tagsColumn,
    ...(timeEndColumn ? { timeEndColumn } : {}),
    _implementsDataqueryVariant() {},
  };
  return { build: () => t };
}

const annotation = (name: string, color: string, t: cog.Builder<cog.Dataquery>): dashboard.AnnotationQueryBuilder =>
  new dashboard.AnnotationQueryBuilder().name(name).datasource(DATASOURCE).enable(true).iconColor(color).target(t);

/** A board's own annotation: `query`'s rows as marks, text and tags from the columns named. */
export const annotationOf = (name: string, color: string, query: string, textColumn: string, tagsColumn: string): dashboard.AnnotationQueryBuilder =>
  annotation(name, color, target(query, textColumn, tagsColumn));

/**
 * Each episode from its firing point to `ends_ms` (written when it resolves); still firing: a mark.
 * The text is the alert's message with its root-cause ranking (`text`, written by the collector).
 */
export function firingAlerts(): dashboard.AnnotationQueryBuilder {
  return annotation(
    'Alerts firing',
    'red',
    target(
      `SELECT "text", "ends_ms", "value", "threshold", "rule", "severity", "key" FROM ${from(MEASUREMENTS.alert)} WHERE "state" = 'firing' AND $timeFilter`,
      'text',
      'rule,severity,key',
      'ends_ms',
    ),
  );
}

/** At the granularity the detectors run on; the text is the root-cause ranking. */
export function anomalies(): dashboard.AnnotationQueryBuilder {
  return annotation(
    'Anomalies',
    'orange',
    target(
      `SELECT "root_cause", "series", "detector", "value", "expected", "score" FROM ${from(MEASUREMENTS.anomaly)} WHERE "is_anomaly" = true AND "granularity" = '$anomaly_granularity' AND $timeFilter`,
      'root_cause',
      'series,detector',
    ),
  );
}

/**
 * An agent's first heartbeats after a start (uptime under TARGETS.agentStartUptimeS), with the model version it
 * runs: deploys and model changes.
 */
export function agentStarts(): dashboard.AnnotationQueryBuilder {
  return annotation(
    'Agent starts (deploys)',
    'blue',
    target(
      `SELECT "uptime_s", "agent", "model_version" FROM ${from(MEASUREMENTS.agent)} WHERE "uptime_s" < ${TARGETS.agentStartUptimeS} AND $timeFilter`,
      'model_version',
      'agent,model_version',
    ),
  );
}
