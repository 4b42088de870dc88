// The Models board's Labels row: how much of the traffic has a ground truth (the labels sent with
// requests and those that came late, which the collector writes back into the windows), and how
// long late labels took (`late_label`, at the time of the event it labels, with its delay_s).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_VALUE, MEASUREMENTS, from } from '../contract.ts';
import { tagMatchesVar } from '../influxql.ts';
import { row } from '../board.ts';
import { tableOf, timeSeries } from '../panels.ts';
import { neutral } from '../targets.ts';

const W = from(MEASUREMENTS.window);
const L = from(MEASUREMENTS.lateLabel);
const versions = `${tagMatchesVar('model_version')} AND "model_version" != '${ALL_VALUE}'`;
const windowScope = `"granularity" = '$granularity' AND "agent" = '${ALL_VALUE}' AND ${versions} AND $timeFilter`;
// Two shares, not one: InfluxQL's sum of two sums is null wherever either has no samples.
const shares = `sum("clean_labelled") / sum("scored") AS "clean", sum("stego_labelled") / sum("scored") AS "stego"`;

export function withLabelsRow(b: dashboard.DashboardBuilder): dashboard.DashboardBuilder {
  return b
    .withRow(row('Labels'))
    .withPanel(
      timeSeries({
        title: 'Label coverage by version',
        description: 'Share of scored requests with a ground truth, clean and stego (together: the coverage), labels that came late included: the FPR and detection figures rest on these',
        unit: 'percentunit',
        decimals: 1,
        thresholds: neutral(),
        queries: [{ sql: `SELECT ${shares} FROM ${W} WHERE ${windowScope} GROUP BY time($__interval), "model_version" fill(null)`, alias: '$tag_model_version $col' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Late label delay',
        description: 'From an event to its late label (POST /labels, starwatch.v1.labels), drawn at the time of the event: p50, p95 and the longest',
        unit: 's',
        thresholds: neutral(),
        queries: [{ sql: `SELECT percentile("delay_s", 50) AS "p50", percentile("delay_s", 95) AS "p95", max("delay_s") AS "max" FROM ${L} WHERE $timeFilter GROUP BY time($__interval) fill(none)` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Label coverage over the range',
        description: 'Per version: scored requests, those labelled clean and stego, and their shares',
        queries: [
          {
            sql: `SELECT sum("scored") AS "scored", sum("clean_labelled") AS "labelled clean", sum("stego_labelled") AS "labelled stego", ${shares} FROM ${W} WHERE ${windowScope} GROUP BY "model_version"`,
            format: 'table',
          },
        ],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Late labels by source',
        description: 'Labels that came after their events, per source and truth, with their delay',
        queries: [{ sql: `SELECT count("delay_s") AS "labels", percentile("delay_s", 50) AS "delay p50 (s)", max("delay_s") AS "delay max (s)" FROM ${L} WHERE $timeFilter GROUP BY "source", "truth"`, format: 'table' }],
      }),
    );
}
