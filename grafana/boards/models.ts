// Models: model versions side by side (over all agents), what the raw events say about each
// version, the validation and ablation runs `starwatch validate --publish` writes, and the
// training runs `starwatch training ingest` writes (training.ts), and the labels behind the
// labelled figures (labels.ts).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, MEASUREMENTS, METHOD_FIELDS, from } from '../contract.ts';
import { tagMatchesVar } from '../influxql.ts';
import { board, row } from '../board.ts';
import { tableOf, timeSeries } from '../panels.ts';
import { FPR_DECIMALS, TARGETS, neutral, upTo, type Steps } from '../targets.ts';
import { granularity, multiTag } from '../variables.ts';
import { trainingFindings, trainingRunVariable, withTrainingRow } from './training.ts';
import { withLabelsRow } from './labels.ts';

const W = from(MEASUREMENTS.window);
const I = from(MEASUREMENTS.inference);
const V = from(MEASUREMENTS.validation);
const versions = `${tagMatchesVar('model_version')} AND "model_version" != '${ALL_VALUE}'`;
// Per-version windows aggregated over all agents.
const windowScope = `"granularity" = '$granularity' AND "agent" = '${ALL_VALUE}' AND ${versions} AND $timeFilter`;
const eventScope = `${versions} AND $timeFilter`;
const overTime = `GROUP BY time($__interval), "model_version" fill(null)`;
// Weighted rates from counts: null where the base was never written (no samples).
const ratio = (num: string, base: string): string => `sum("${num}") / sum("${base}")`;

interface PerVersion {
  title: string;
  description: string;
  unit: string;
  select: string;
  thresholds: Steps;
  decimals?: number;
}

function perVersion(p: PerVersion): ReturnType<typeof timeSeries> {
  return timeSeries({
    ...p,
    queries: [{ sql: `SELECT ${p.select} FROM ${W} WHERE ${windowScope} ${overTime}`, alias: '$tag_model_version' }],
  });
}

export function modelsBoard(): dashboard.DashboardBuilder {
  const b = board({
    uid: 'starwatch-models',
    title: 'Starwatch / Models',
    description: 'Model versions side by side, validation runs and ablation results, training curves',
  })
    .annotation(trainingFindings())
    .withVariable(granularity())
    .withVariable(multiTag('model_version', MEASUREMENTS.window))
    .withVariable(trainingRunVariable())
    .withRow(row('Versions side by side'))
    .withPanel(perVersion({ title: 'Latency p95 by version', description: `Worst window p95 in each interval (line: target ${TARGETS.latencyP95MaxMs} ms)`, unit: 'ms', select: 'max("latency_p95")', thresholds: upTo(TARGETS.latencyP95MaxMs) }))
    .withPanel(perVersion({ title: 'Throughput by version', description: 'Requests per second served by each version', unit: 'reqps', select: 'sum("count") * 1000 / $__interval_ms', thresholds: neutral() }))
    .withPanel(perVersion({ title: 'Stego rate by version', description: 'Share of scored requests called stego', unit: 'percentunit', decimals: 2, select: ratio('stego', 'scored'), thresholds: neutral() }))
    .withPanel(
      perVersion({
        title: 'False positive rate by version',
        description: `Clean-labelled requests called stego / clean-labelled (line: target ${TARGETS.fprMax * 100} %)`,
        unit: 'percentunit',
        decimals: FPR_DECIMALS,
        select: ratio('fp', 'clean_labelled'),
        thresholds: upTo(TARGETS.fprMax),
      }),
    )
    .withPanel(
      perVersion({
        title: 'Error ratio by version',
        description: 'Errors / requests',
        unit: 'percentunit',
        decimals: 2,
        select: ratio('errors', 'count'),
        thresholds: upTo(TARGETS.errorRatioMax, TARGETS.errorRatioWarn),
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Clean-labelled score by version',
        description: 'Mean stego probability on clean-labelled inputs, from the raw events: drift here precedes false positives',
        unit: 'percentunit',
        decimals: 2,
        thresholds: neutral(),
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
        description: 'One row per version: traffic, latency, error ratio, FPR, detection (overall and per method, weighted) with the labelled requests behind them',
        queries: [
          {
            sql: `SELECT sum("count") AS "requests", max("latency_p95") AS "worst p95 (ms)", ${ratio('errors', 'count')} AS "error ratio", ${ratio('fp', 'clean_labelled')} AS "FPR", sum("clean_labelled") AS "n clean", ${ratio('tp', 'stego_labelled')} AS "detection", sum("stego_labelled") AS "n stego", ${ratio('stego', 'scored')} AS "stego rate", ${METHOD_FIELDS.map((m) => `${ratio(`det_${m}_hits`, `det_${m}_n`)} AS "det ${m}"`).join(', ')} FROM ${W} WHERE ${windowScope} GROUP BY "model_version"`,
            format: 'table',
          },
        ],
      })
        .overrideByName('FPR', [{ id: 'unit', value: 'percentunit' }, { id: 'decimals', value: FPR_DECIMALS }]),
    )
    .withPanel(
      tableOf({
        title: 'Event timings by version',
        description: 'From the raw events: where the time goes in each version (p95 of each stage; decode counts only the decoding a request waited for, not what a scan worker hid behind the inference of the image before it)',
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
        description: 'Everything `starwatch validate --publish` wrote in the range',
        queries: [{ sql: `SELECT * FROM ${V} WHERE $timeFilter ORDER BY time DESC LIMIT 500`, format: 'table' }],
      }),
    );
  return withTrainingRow(withLabelsRow(b));
}
