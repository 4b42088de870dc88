// Alerts and anomalies drawn on every board's time axis, read from the `alert` and `anomaly`
// measurements. The InfluxDB datasource reads annotation queries from `target` (query plus the
// columns that give the text and the tags).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS } from './contract.ts';
import { DATASOURCE } from './influxql.ts';

interface AnnotationTarget extends cog.Dataquery {
  refId: string;
  query: string;
  rawQuery: true;
  resultFormat: 'table';
  fromAnnotations: true;
  textColumn: string;
  tagsColumn: string;
}

function target(query: string, textColumn: string, tagsColumn: string): cog.Builder<cog.Dataquery> {
  const t: AnnotationTarget = {
    refId: 'Anno',
    query,
    rawQuery: true,
    resultFormat: 'table',
    fromAnnotations: true,
    textColumn,
    tagsColumn,
    _implementsDataqueryVariant() {},
  };
  return { build: () => t };
}

export function firingAlerts(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Alerts firing')
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor('red')
    .target(
      target(
        `SELECT "message", "value", "threshold", "rule", "severity" FROM "${MEASUREMENTS.alert}" WHERE "state" = 'firing' AND $timeFilter`,
        'message',
        'rule,severity',
      ),
    );
}

export function anomalies(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Anomalies')
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor('orange')
    .target(
      target(
        `SELECT "series", "detector", "value", "expected", "score" FROM "${MEASUREMENTS.anomaly}" WHERE "is_anomaly" = true AND "granularity" = '$granularity' AND $timeFilter`,
        'series',
        'series,detector',
      ),
    );
}
