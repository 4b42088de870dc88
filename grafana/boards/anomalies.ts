// Anomalies and forecasts: what the detectors flagged, how far each series is from its expected
// value, and where the forecasts say a series is heading (with intervals and time to threshold).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, from } from '../contract.ts';
import { tagMatchesVar, tagsEqualVars } from '../influxql.ts';
import { board, row } from '../board.ts';
import { singleStat, tableOf, timeSeries } from '../panels.ts';
import { granularity, multiTag, windowModel } from '../variables.ts';

const A = from(MEASUREMENTS.anomaly);
const F = from(MEASUREMENTS.forecast);
const AL = from(MEASUREMENTS.alert);
// Anomalies and forecasts are made per model version over all agents (anomaly points carry agent
// `*` only, forecasts no agent tag): the board has no agent to pick.
const anomalyScope = `${tagMatchesVar('series')} AND ${tagsEqualVars('granularity', 'model_version')} AND $timeFilter`;
const forecastScope = `${tagMatchesVar('series')} AND ${tagsEqualVars('granularity', 'model_version')} AND $timeFilter`;
const overTime = `GROUP BY time($__interval), "series" fill(null)`;

export function anomaliesBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-anomalies',
    title: 'Starwatch / Anomalies and forecasts',
    description: 'Anomaly scores, expected values, forecasts with intervals, time to threshold, alerts',
    time: { from: 'now-6h', to: 'now+1h' },
  })
    .withVariable(granularity())
    .withVariable(windowModel())
    .withVariable(multiTag('series', MEASUREMENTS.anomaly))
    .withRow(row('Anomalies'))
    .withPanel(
      timeSeries({
        title: 'Anomaly score',
        description: 'Score (0..1) per series and detector',
        unit: 'percentunit',
        queries: [
          {
            sql: `SELECT max("score") FROM ${A} WHERE ${anomalyScope} GROUP BY time($__interval), "series", "detector" fill(null)`,
            alias: '$tag_series / $tag_detector',
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Observed vs expected',
        description: 'The value each detector saw and the value it expected',
        unit: 'short',
        queries: [
          { sql: `SELECT mean("value") FROM ${A} WHERE ${anomalyScope} ${overTime}`, alias: '$tag_series observed' },
          { sql: `SELECT mean("expected") FROM ${A} WHERE ${anomalyScope} ${overTime}`, alias: '$tag_series expected' },
        ],
      }),
    )
    .withPanel(
      singleStat({
        title: 'Anomalies in range',
        description: 'Windows a detector flagged',
        unit: 'short',
        size: { w: 6, h: 8 },
        queries: [{ sql: `SELECT count("score") FROM ${A} WHERE "is_anomaly" = true AND ${anomalyScope}` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Flagged windows',
        description: 'Each anomaly with its root-cause ranking (JSON)',
        size: { w: 18, h: 8 },
        queries: [
          {
            sql: `SELECT "series", "detector", "value", "expected", "score", "root_cause" FROM ${A} WHERE "is_anomaly" = true AND ${anomalyScope} ORDER BY time DESC LIMIT 200`,
            format: 'table',
          },
        ],
      }),
    )
    .withRow(row('Forecasts'))
    .withPanel(
      timeSeries({
        title: 'Forecast with interval',
        description: 'Predicted value (yhat) and its lower/upper bounds',
        unit: 'short',
        fillBelow: ['upper', 'lower'],
        queries: [
          {
            sql: `SELECT mean("yhat") AS "yhat", mean("upper") AS "upper", mean("lower") AS "lower" FROM ${F} WHERE ${forecastScope} ${overTime}`,
            alias: '$col',
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Time to threshold',
        description: 'How long until the forecast crosses its alert threshold',
        unit: 's',
        queries: [{ sql: `SELECT min("tt_threshold_s") FROM ${F} WHERE ${forecastScope} ${overTime}`, alias: '$tag_series' }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Latest time to threshold',
        description: 'Per series: the latest forecast horizon and time to threshold',
        queries: [
          {
            sql: `SELECT last("tt_threshold_s") AS "time to threshold (s)", last("horizon_s") AS "horizon (s)", last("yhat") AS "yhat" FROM ${F} WHERE ${forecastScope} GROUP BY "series"`,
            format: 'table',
          },
        ],
      }),
    )
    .withRow(row('Alerts'))
    .withPanel(
      timeSeries({
        title: 'Alert state changes',
        description: 'State changes per rule and state',
        unit: 'short',
        queries: [
          {
            sql: `SELECT count("value") FROM ${AL} WHERE $timeFilter GROUP BY time($__interval), "rule", "state" fill(null)`,
            alias: '$tag_rule $tag_state',
          },
        ],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Alert log',
        description: 'Latest alert state changes',
        size: { w: 12, h: 8 },
        queries: [
          {
            sql: `SELECT "rule", "severity", "state", "key", "value", "threshold", "message" FROM ${AL} WHERE $timeFilter ORDER BY time DESC LIMIT 200`,
            format: 'table',
          },
        ],
      }),
    );
}
