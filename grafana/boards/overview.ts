// Overview: is the detector serving, how fast, how often it fails, and what it finds.
// Reads the collector's `window` points for one (granularity, agent, model version) key.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, METHOD_FIELDS, from } from '../contract.ts';
import { tagsEqualVars } from '../influxql.ts';
import { board, row } from '../board.ts';
import { barGauge, singleStat, tableOf, timeSeries } from '../panels.ts';
import { granularity, windowAgent, windowModel } from '../variables.ts';

const W = from(MEASUREMENTS.window);
const H = from(MEASUREMENTS.windowProbHist);
// Sums of counts are exact however many collector replicas wrote partial windows; a mean of
// their rps or rates would not be, so rates are rebuilt from counts.
const RPS = `sum("count") * 1000 / $__interval_ms`;
const scope = `${tagsEqualVars('granularity', 'agent', 'model_version')} AND $timeFilter`;
const overTime = `GROUP BY time($__interval) fill(null)`;

export function overviewBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-overview',
    title: 'Starwatch / Overview',
    description: 'Throughput, latency, errors, false positives and detections of the V4 detector',
  })
    .withVariable(granularity())
    .withVariable(windowAgent())
    .withVariable(windowModel())
    .withRow(row('Now'))
    .withPanel(singleStat({ title: 'Requests/s', description: 'Mean requests per second', unit: 'reqps', queries: [{ sql: `SELECT ${RPS} FROM ${W} WHERE ${scope} ${overTime}` }] }))
    .withPanel(singleStat({ title: 'Error ratio', description: 'Errors / requests', unit: 'percentunit', queries: [{ sql: `SELECT sum("errors") / sum("count") FROM ${W} WHERE ${scope} ${overTime}` }] }))
    .withPanel(singleStat({ title: 'False positive rate', description: 'Clean-labelled requests called stego / clean-labelled requests', unit: 'percentunit', queries: [{ sql: `SELECT sum("fp") / sum("clean_labelled") FROM ${W} WHERE ${scope} ${overTime}` }] }))
    .withPanel(singleStat({ title: 'Stego rate', description: 'Share of requests called stego', unit: 'percentunit', queries: [{ sql: `SELECT sum("stego") / sum("scored") FROM ${W} WHERE ${scope} ${overTime}` }] }))
    .withRow(row('Traffic and latency'))
    .withPanel(
      timeSeries({
        title: 'Throughput',
        description: 'Requests per second (from request counts, exact across collector replicas)',
        unit: 'reqps',
        queries: [{ sql: `SELECT ${RPS} AS "requests/s" FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Latency p50 / p95 / p99',
        // A percentile of merged windows is not the max of theirs, but the max is an upper bound
        // and never hides a slow window, which is what this panel is for.
        description: 'End-to-end request latency percentiles per window (max over the interval)',
        unit: 'ms',
        queries: [
          { sql: `SELECT max("latency_p50") AS "p50", max("latency_p95") AS "p95", max("latency_p99") AS "p99", max("latency_max") AS "max" FROM ${W} WHERE ${scope} ${overTime}` },
        ],
      }),
    )
    .withRow(row('Errors'))
    .withPanel(
      timeSeries({
        title: 'Errors',
        description: 'Failed requests, total and per error code, and events that arrived after their window closed',
        unit: 'short',
        queries: [
          { sql: `SELECT sum("errors") AS "all errors", sum("late") AS "late events" FROM ${W} WHERE ${scope} ${overTime}` },
          { sql: `SELECT sum(/^err_/) FROM ${W} WHERE ${scope} ${overTime}`, alias: '$col' },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Inputs by format',
        description: 'Requests per image format',
        unit: 'short',
        queries: [{ sql: `SELECT sum(/^fmt_/) FROM ${W} WHERE ${scope} ${overTime}`, alias: '$col' }],
      }),
    )
    .withRow(row('Detections'))
    .withPanel(
      timeSeries({
        title: 'False positive rate',
        description: 'Clean-labelled requests called stego / clean-labelled requests',
        unit: 'percentunit',
        queries: [{ sql: `SELECT sum("fp") / sum("clean_labelled") AS "FPR" FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Stego rate',
        description: 'Share of requests called stego, and the mean stego probability',
        unit: 'percentunit',
        queries: [{ sql: `SELECT sum("stego") / sum("scored") AS "stego rate", mean("mean_prob") AS "mean probability" FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      barGauge({
        title: 'Stego probability distribution',
        description: 'Requests per stego-probability bucket (lower edge) over the range',
        unit: 'short',
        queries: [{ sql: `SELECT sum("count") FROM ${H} WHERE ${scope} GROUP BY "bucket"`, alias: '$tag_bucket' }],
      }),
    )
    .withRow(row('Per method'))
    .withPanel(
      timeSeries({
        title: 'Detection rate per method',
        description: 'Labelled stego requests of each method that were called stego',
        unit: 'percentunit',
        queries: [{ sql: `SELECT ${METHOD_FIELDS.map((m) => `mean("det_${m}") AS "${m}"`).join(', ')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Predicted method mix',
        description: 'Share of requests per predicted method',
        unit: 'percentunit',
        queries: [{ sql: `SELECT ${METHOD_FIELDS.map((m) => `mean("rate_${m}") AS "${m}"`).join(', ')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Detection per method over the range',
        description: 'Detection rate and the number of labelled stego requests behind it',
        unit: 'none',
        queries: [
          {
            sql: `SELECT ${METHOD_FIELDS.map((m) => `mean("det_${m}") AS "det ${m}", sum("det_${m}_n") AS "n ${m}"`).join(', ')} FROM ${W} WHERE ${scope}`,
            format: 'table',
          },
        ],
      }),
    );
}
