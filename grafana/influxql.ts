// An InfluxQL target for Grafana's InfluxDB datasource. The foundation SDK ships builders for
// panels and dashboards but none for InfluxDB queries, so this is the one piece written here,
// following the datasource's saved-query shape (raw InfluxQL, rawQuery: true).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';

/** The uid the provisioning file gives the datasource; every panel points at it. */
export const DATASOURCE: common.DataSourceRef = { type: 'influxdb', uid: 'starwatch-influxdb' };

export type ResultFormat = 'time_series' | 'table';

export interface Query {
  /** Raw InfluxQL with Grafana variables ($timeFilter, $__interval, $granularity ...). */
  sql: string;
  /** Legend name; may use $col and $tag_<name>. */
  alias?: string;
  format?: ResultFormat;
}

class InfluxQLQuery implements cog.Dataquery {
  readonly datasource = DATASOURCE;
  readonly rawQuery = true;
  readonly query: string;
  readonly resultFormat: ResultFormat;
  readonly alias?: string;
  constructor(
    readonly refId: string,
    q: Query,
  ) {
    this.query = q.sql;
    this.resultFormat = q.format ?? 'time_series';
    if (q.alias !== undefined) this.alias = q.alias;
  }
  _implementsDataqueryVariant(): void {}
}

export function influxQL(refId: string, q: Query): cog.Builder<cog.Dataquery> {
  return { build: () => new InfluxQLQuery(refId, q) };
}

/** Refs A, B, C ... in order. */
export const refId = (i: number): string => String.fromCharCode(65 + i);

/** `"a" = '$a' AND "b" = '$b'`: tag equals a single-valued variable of the same name. */
export const tagsEqualVars = (...tags: string[]): string =>
  tags.map((t) => `"${t}" = '$${t}'`).join(' AND ');

/** `"t" =~ /^$t$/`: tag matches a multi-valued variable (Grafana renders it as a regex group). */
export const tagMatchesVar = (tag: string, variable = tag): string => `"${tag}" =~ /^$${variable}$/`;
