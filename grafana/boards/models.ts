// Models: model versions side by side (over all agents), what the raw events say about each
// version, and the validation and ablation runs `starwatch validate --publish` writes.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, MEASUREMENTS, METHOD_FIELDS, from } from '../contract.ts';
import { tagMatchesVar } from '../influxql.ts';
import { board, row } from '../board.ts';
import { tableOf, timeSeries } from '../panels.ts';
import { granularity, multiTag } from '../variables.ts';

const W = from(MEASUREMENTS.window);
const I = from(MEASUREMENTS.inference);
const V = from(MEASUREMENTS.validation);
const versions = `${tagMatchesVar('model_version')} AND "model_version" != '${ALL_VALUE}'`;
// Per-version windows aggregated over all agents.
const windowScope = `"granularity" = '$granularity' AND "agent" = '${ALL_VALUE}' AND ${versions} AND $timeFilter`;
const eventScope = `${versions} AND $timeFilter`;
const overTime = `GROUP BY time($__interval), "model_version" fill(null)`;

function perVersion(title: string, description: string, unit: string, select: string): ReturnType<typeof timeSeries> {
  return timeSeries({
    title,
    description,
    unit,
    queries: [{ sql: `SELECT ${select} FROM ${W} WHERE ${windowScope} ${overTime}`, alias: '$tag_model_version' }],
  });
}

export function modelsBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-models',
    title: 'Starwatch / Models',
    description: 'Model versions side by side, validation runs and ablation results',
  })
    .withVariable(granularity())
    .withVariable(multiTag('model_version', MEASUREMENTS.window))
    .withRow(row('Versions side by side'))
    .withPanel(perVersion('Latency p95 by version', 'Worst window p95 in each interval', 'ms', 'max("latency_p95")'))
    .withPanel(perVersion('Throughput by version', 'Requests per second served by each version', 'reqps', 'sum("count") * 1000 / $__interval_ms'))
    .withPanel(perVersion('Stego rate by version', 'Share of requests called stego', 'percentunit', 'sum("stego") / sum("scored")'))
    .withPanel(perVersion('False positive rate by version', 'Clean-labelled requests called stego / clean-labelled', 'percentunit', 'sum("fp") / sum("clean_labelled")'))
    .withPanel(perVersion('Error ratio by version', 'Errors / requests', 'percentunit', 'sum("errors") / sum("count")'))
    .withPanel(
      timeSeries({
        title: 'Clean-labelled score by version',
        description: 'Mean stego probability on clean-labelled inputs, from the raw events: drift here precedes false positives',
        unit: 'percentunit',
        queries: [
          {
            sql: `SELECT mean("stego_prob") FROM ${I} WHERE "label" = 'clean' AND ${eventScope} ${overTime}`,
            alias: '$tag_model_version',
          },
        ],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Versions over the range',
        description: 'One row per version: traffic, latency, error ratio, FPR and detection per method',
        queries: [
          {
            sql: `SELECT sum("count") AS "requests", max("latency_p95") AS "worst p95 (ms)", sum("errors") / sum("count") AS "error ratio", sum("fp") / sum("clean_labelled") AS "FPR", sum("stego") / sum("scored") AS "stego rate", ${METHOD_FIELDS.map((m) => `mean("det_${m}") AS "det ${m}"`).join(', ')} FROM ${W} WHERE ${windowScope} GROUP BY "model_version"`,
            format: 'table',
          },
        ],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Event timings by version',
        description: 'From the raw events: where the time goes in each version (p95 of each stage)',
        queries: [
          {
            sql: `SELECT count("total_ms") AS "events", percentile("decode_ms", 95) AS "decode p95", percentile("preprocess_ms", 95) AS "preprocess p95", percentile("infer_ms", 95) AS "infer p95", percentile("total_ms", 95) AS "total p95" FROM ${I} WHERE ${eventScope} GROUP BY "model_version"`,
            format: 'table',
          },
        ],
      }),
    )
    .withRow(row('Validation and ablation'))
    .withPanel(
      tableOf({
        title: 'Validation runs and ablation results',
        // schemas/measurements.ts names the measurement but not yet its tags and fields, so this
        // shows every column rather than guessing names.
        description: 'Everything `starwatch validate --publish` wrote in the range',
        queries: [{ sql: `SELECT * FROM ${V} WHERE $timeFilter ORDER BY time DESC LIMIT 500`, format: 'table' }],
      }),
    );
}
