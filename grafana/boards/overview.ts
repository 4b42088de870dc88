// Overview: is the detector serving, how fast, how often it fails, what it finds, whether it keeps
// its SLOs, and whether its inputs or outputs drift. Reads the collector's `window` points for one
// (granularity, agent, model version) key: each is written, `*` included.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, METHOD_FIELDS, from } from '../contract.ts';
import { tagsEqualVars } from '../influxql.ts';
import { board, row } from '../board.ts';
import { barGauge, singleStat, tableOf, timeSeries } from '../panels.ts';
import { FPR_DECIMALS, TARGETS, atLeast, neutral, upTo } from '../targets.ts';
import { analysisGranularity, granularity, windowAgent, windowModel } from '../variables.ts';
import { withSloRow } from './slo.ts';
import { withDriftRow } from './drift.ts';

const W = from(MEASUREMENTS.window);
const H = from(MEASUREMENTS.windowProbHist);
const scope = `${tagsEqualVars('granularity', 'agent', 'model_version')} AND $timeFilter`;
const overTime = `GROUP BY time($__interval) fill(null)`;
// "Now": one bucket per window, so the newest bucket is the newest closed window (the collector
// writes a window only once it has closed), never a partly filled interval.
const lastWindow = `GROUP BY time($granularity) fill(none)`;
// Rates are rebuilt from counts: weighted by their samples, exact however many agents and
// replicas wrote partial windows, and null (not 0) where the base count was never written.
const ratio = (num: string, base: string): string => `sum("${num}") / sum("${base}")`;
const n = (base: string, label = 'n'): string => `sum("${base}") AS "${label}"`;

export function overviewBoard(): dashboard.DashboardBuilder {
  const b = board({
    uid: 'starwatch-overview',
    title: 'Starwatch / Overview',
    description: 'Throughput, latency, errors, false positives, detections, SLOs and drift of the V4 detector',
  })
    .withVariable(granularity())
    .withVariable(windowAgent())
    .withVariable(windowModel())
    .withVariable(analysisGranularity('anomaly_granularity', MEASUREMENTS.anomaly, '10s'))
    .withRow(row('Now (the last closed window)'))
    .withPanel(
      singleStat({
        title: 'Requests/s',
        description: 'Requests per second in the last closed window (per-window rps summed over replicas)',
        unit: 'reqps',
        decimals: 1,
        thresholds: neutral(),
        queries: [{ sql: `SELECT sum("rps") FROM ${W} WHERE ${scope} ${lastWindow}` }],
      }),
    )
    .withPanel(
      singleStat({
        title: 'Error ratio',
        description: `Errors / requests in the last closed window (orange from ${TARGETS.errorRatioWarn * 100} %, red from ${TARGETS.errorRatioMax * 100} %)`,
        unit: 'percentunit',
        decimals: 2,
        thresholds: upTo(TARGETS.errorRatioMax, TARGETS.errorRatioWarn),
        queries: [{ sql: `SELECT ${ratio('errors', 'count')} FROM ${W} WHERE ${scope} ${lastWindow}` }],
      }),
    )
    .withPanel(
      singleStat({
        title: 'False positive rate',
        description: `Clean-labelled requests called stego / clean-labelled requests, last window with labelled clean traffic (target ${TARGETS.fprMax * 100} %)`,
        unit: 'percentunit',
        decimals: FPR_DECIMALS,
        thresholds: upTo(TARGETS.fprMax),
        queries: [{ sql: `SELECT ${ratio('fp', 'clean_labelled')} FROM ${W} WHERE ${scope} ${lastWindow}` }],
      }),
    )
    .withPanel(
      singleStat({
        title: 'Detection rate',
        description: `Labelled stego requests called stego / labelled stego requests, last window with labelled stego traffic (target ${TARGETS.detectionMin * 100} %)`,
        unit: 'percentunit',
        decimals: 2,
        thresholds: atLeast(TARGETS.detectionMin),
        queries: [{ sql: `SELECT ${ratio('tp', 'stego_labelled')} FROM ${W} WHERE ${scope} ${lastWindow}` }],
      }),
    )
    .withRow(row('Traffic and latency'))
    .withPanel(
      timeSeries({
        title: 'Throughput',
        description: 'Requests per second (from request counts, exact across collector replicas)',
        unit: 'reqps',
        thresholds: neutral(),
        queries: [{ sql: `SELECT sum("count") * 1000 / $__interval_ms AS "requests/s" FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Latency p50 / p95 / p99',
        // A percentile of merged windows is not the max of theirs, but the max is an upper bound
        // and never hides a slow window, which is what this panel is for.
        description: `End-to-end request latency percentiles per window (max over the interval); the line is the p95 target, ${TARGETS.latencyP95MaxMs} ms`,
        unit: 'ms',
        thresholds: upTo(TARGETS.latencyP95MaxMs),
        queries: [
          { sql: `SELECT max("latency_p50") AS "p50", max("latency_p95") AS "p95", max("latency_p99") AS "p99", max("latency_max") AS "max" FROM ${W} WHERE ${scope} ${overTime}` },
        ],
      }),
    )
    .withRow(row('Errors'))
    .withPanel(
      timeSeries({
        title: 'Error ratio',
        description: 'Errors / requests, with the requests behind it',
        unit: 'percentunit',
        decimals: 2,
        thresholds: upTo(TARGETS.errorRatioMax, TARGETS.errorRatioWarn),
        queries: [{ sql: `SELECT ${ratio('errors', 'count')} AS "error ratio", ${n('count', 'n requests')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }).overrideByName('n requests', [{ id: 'unit', value: 'short' }, { id: 'custom.axisPlacement', value: 'right' }]),
    )
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
        description: `Clean-labelled requests called stego / clean-labelled requests (n: clean-labelled requests); the line is the target, ${TARGETS.fprMax * 100} %`,
        unit: 'percentunit',
        decimals: FPR_DECIMALS,
        thresholds: upTo(TARGETS.fprMax),
        queries: [{ sql: `SELECT ${ratio('fp', 'clean_labelled')} AS "FPR", ${n('clean_labelled')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }).overrideByName('n', [{ id: 'unit', value: 'short' }, { id: 'custom.axisPlacement', value: 'right' }]),
    )
    .withPanel(
      timeSeries({
        title: 'Detection rate',
        description: `Labelled stego requests called stego / labelled stego requests (n); the line is the target, ${TARGETS.detectionMin * 100} %`,
        unit: 'percentunit',
        decimals: 2,
        thresholds: atLeast(TARGETS.detectionMin),
        queries: [{ sql: `SELECT ${ratio('tp', 'stego_labelled')} AS "detection", ${n('stego_labelled')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }).overrideByName('n', [{ id: 'unit', value: 'short' }, { id: 'custom.axisPlacement', value: 'right' }]),
    )
    .withPanel(
      timeSeries({
        title: 'Stego rate',
        description: 'Share of scored requests called stego (n: scored requests)',
        unit: 'percentunit',
        decimals: 2,
        thresholds: neutral(),
        queries: [{ sql: `SELECT ${ratio('stego', 'scored')} AS "stego rate", ${n('scored')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }).overrideByName('n', [{ id: 'unit', value: 'short' }, { id: 'custom.axisPlacement', value: 'right' }]),
    )
    .withPanel(
      barGauge({
        title: 'Stego probability distribution',
        description: 'Requests per stego-probability bucket (lower edge) over the range',
        unit: 'short',
        thresholds: neutral(),
        queries: [{ sql: `SELECT sum("count") FROM ${H} WHERE ${scope} GROUP BY "bucket"`, alias: '$tag_bucket' }],
      }),
    )
    .withRow(row('Per method'))
    .withPanel(
      timeSeries({
        title: 'Detection rate per method',
        description: `Labelled stego requests of each method called stego, over all of them (weighted); the line is the target, ${TARGETS.detectionMin * 100} %`,
        unit: 'percentunit',
        decimals: 2,
        thresholds: atLeast(TARGETS.detectionMin),
        queries: [{ sql: `SELECT ${METHOD_FIELDS.map((m) => `${ratio(`det_${m}_hits`, `det_${m}_n`)} AS "${m}"`).join(', ')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Predicted method mix',
        description: 'Share of scored requests called stego with each method (weighted)',
        unit: 'percentunit',
        decimals: 2,
        thresholds: neutral(),
        queries: [{ sql: `SELECT ${METHOD_FIELDS.map((m) => `${ratio(`pred_${m}`, 'scored')} AS "${m}"`).join(', ')} FROM ${W} WHERE ${scope} ${overTime}` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Detection per method over the range',
        description: 'Detection rate per method and the number of labelled stego requests behind it (empty: no samples)',
        unit: 'none',
        thresholds: atLeast(TARGETS.detectionMin),
        queries: [
          {
            sql: `SELECT ${METHOD_FIELDS.map((m) => `${ratio(`det_${m}_hits`, `det_${m}_n`)} AS "det ${m}", ${n(`det_${m}_n`, `n ${m}`)}`).join(', ')} FROM ${W} WHERE ${scope}`,
            format: 'table',
          },
        ],
      }),
    );
  withSloRow(b);
  withDriftRow(b);
  return b;
}
