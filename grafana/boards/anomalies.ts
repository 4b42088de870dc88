// Anomalies and forecasts: what the detectors flagged, how far each series is from its expected
// value, and where the forecasts say a series is heading (with intervals and time to threshold).
// Detectors and forecasts each run at one granularity (collector settings): the board reads
// which from the points written, so no choice of window empties a panel.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, from } from '../contract.ts';
import { tagMatchesVar, tagsEqualVars } from '../influxql.ts';
import { board, row } from '../board.ts';
import { singleStat, tableOf, timeSeries } from '../panels.ts';
import { TARGETS, neutral, upTo } from '../targets.ts';
import { analysisGranularity, multiTag, windowModel } from '../variables.ts';

const A = from(MEASUREMENTS.anomaly);
const F = from(MEASUREMENTS.forecast);
const AL = from(MEASUREMENTS.alert);
// Anomalies and forecasts are made per model version over all agents (anomaly points carry agent
// `*` only, forecasts no agent tag): the board has no agent to pick.
const anomalyScope = `${tagMatchesVar('series')} AND "granularity" = '$anomaly_granularity' AND ${tagsEqualVars('model_version')} AND $timeFilter`;
const forecastScope = `${tagMatchesVar('series')} AND "granularity" = '$forecast_granularity' AND ${tagsEqualVars('model_version')} AND $timeFilter`;
const overTime = `GROUP BY time($__interval), "series" fill(null)`;
/** Time to threshold under this is red, under four times it orange. */
const SOON_S = 15 * 60;

export function anomaliesBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-anomalies',
    title: 'Starwatch / Anomalies and forecasts',
    description: 'Anomaly scores, expected values, forecasts with intervals, time to threshold, alerts',
    time: { from: 'now-6h', to: 'now+1h' },
  })
    .withVariable(analysisGranularity('anomaly_granularity', MEASUREMENTS.anomaly, '10s'))
    .withVariable(analysisGranularity('forecast_granularity', MEASUREMENTS.forecast, '1m'))
    .withVariable(windowModel())
    .withVariable(multiTag('series', MEASUREMENTS.anomaly))
    .withRow(row('Anomalies'))
    .withPanel(
      timeSeries({
        title: 'Anomaly score',
        description: 'Score (0..1) per series and detector; the line is where detectors start to flag',
        unit: 'percentunit',
        decimals: 0,
        minInterval: '$anomaly_granularity',
        thresholds: upTo(0.95, 0.8),
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
        minInterval: '$anomaly_granularity',
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
        minInterval: '$anomaly_granularity',
        thresholds: upTo(1),
        queries: [{ sql: `SELECT count("score") FROM ${A} WHERE "is_anomaly" = true AND ${anomalyScope}` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Flagged windows',
        description: 'Each anomaly with its root-cause ranking (JSON)',
        size: { w: 18, h: 8 },
        minInterval: '$anomaly_granularity',
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
        // Named per series, so several forecasts can be shown at once; the band's edges are dashed.
        description: 'Predicted value (yhat) and its 95 % lower/upper bounds per series, from the last observed point on',
        unit: 'short',
        minInterval: '$forecast_granularity',
        queries: [
          {
            sql: `SELECT mean("yhat") AS "yhat", mean("upper") AS "upper", mean("lower") AS "lower" FROM ${F} WHERE ${forecastScope} ${overTime}`,
            alias: '$tag_series $col',
          },
        ],
      }).overrideByRegexp(' (upper|lower)$', [
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [4, 4] } },
        { id: 'custom.fillOpacity', value: 0 },
      ]),
    )
    .withPanel(
      timeSeries({
        title: 'Time to threshold',
        description: `At each forecast refresh: how long until the forecast crosses its alert threshold (gaps: no crossing within the horizon; red under ${SOON_S / 60} min)`,
        unit: 's',
        minInterval: '$forecast_granularity',
        thresholds: [
          { value: null, color: 'red' },
          { value: SOON_S, color: 'orange' },
          { value: 4 * SOON_S, color: 'green' },
        ],
        queries: [{ sql: `SELECT min("tt_threshold_s") FROM ${F} WHERE ${forecastScope} ${overTime}`, alias: '$tag_series' }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Latest forecast refresh',
        description: 'Per series with a threshold: whether the newest forecast crosses it within the horizon, and when (empty: it does not)',
        minInterval: '$forecast_granularity',
        queries: [
          {
            sql: `SELECT "crosses", "tt_threshold_s" AS "time to threshold (s)", "threshold", "yhat" AS "observed" FROM ${F} WHERE "horizon_s" = 0 AND ${forecastScope} GROUP BY "series" ORDER BY time DESC LIMIT 1`,
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
        minInterval: '$anomaly_granularity',
        thresholds: neutral(),
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
        description: `Latest alert state changes (FPR target ${TARGETS.fprMax * 100} %, p95 target ${TARGETS.latencyP95MaxMs} ms)`,
        size: { w: 12, h: 8 },
        minInterval: '$anomaly_granularity',
        queries: [
          {
            sql: `SELECT "rule", "severity", "state", "key", "value", "threshold", "message", "ends_ms" AS "resolved at" FROM ${AL} WHERE $timeFilter ORDER BY time DESC LIMIT 200`,
            format: 'table',
          },
        ],
      }).overrideByName('resolved at', [{ id: 'unit', value: 'dateTimeAsIso' }]),
    );
}
