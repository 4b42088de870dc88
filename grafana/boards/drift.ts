// The drift row of the Overview: PSI and Jensen-Shannon distance per facet (stego probability,
// predicted method, input format, input size), each window's distribution against the reference
// period, and that reference period itself. Drift is judged per model version over all agents, at
// the granularity the detectors run on.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, from } from '../contract.ts';
import { row } from '../board.ts';
import { tableOf, timeSeries } from '../panels.ts';
import { TARGETS, neutral, upTo } from '../targets.ts';

const D = from(MEASUREMENTS.drift);
const scope = `"granularity" = '$anomaly_granularity' AND "agent" = '*' AND "model_version" = '$model_version' AND $timeFilter`;
const perFacet = `GROUP BY time($__interval), "facet" fill(null)`;

export function withDriftRow(b: dashboard.DashboardBuilder): dashboard.DashboardBuilder {
  return b
    .withRow(row('Drift against the reference period'))
    .withPanel(
      timeSeries({
        title: 'PSI per facet',
        description: `Population stability index of each facet against the reference (lines: moderate ${TARGETS.psiModerate}, significant ${TARGETS.psiSignificant})`,
        unit: 'none',
        decimals: 3,
        minInterval: '$anomaly_granularity',
        thresholds: upTo(TARGETS.psiSignificant, TARGETS.psiModerate),
        queries: [{ sql: `SELECT max("psi") FROM ${D} WHERE ${scope} ${perFacet}`, alias: '$tag_facet' }],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Jensen-Shannon distance per facet',
        description: 'Jensen-Shannon distance of each facet against the reference (0: the same distribution)',
        unit: 'none',
        decimals: 3,
        minInterval: '$anomaly_granularity',
        thresholds: neutral(),
        queries: [{ sql: `SELECT max("js") FROM ${D} WHERE ${scope} ${perFacet}`, alias: '$tag_facet' }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Reference period',
        description: 'The windows each facet is compared with (kept across collector restarts), and the samples judged last',
        size: { w: 24, h: 6 },
        minInterval: '$anomaly_granularity',
        queries: [
          {
            sql: `SELECT last("reference_start_ms") AS "reference from", last("reference_end_ms") AS "reference to", last("samples") AS "samples", last("level") AS "level" FROM ${D} WHERE ${scope} GROUP BY "facet"`,
            format: 'table',
          },
        ],
      })
        .overrideByRegexp('^reference', [{ id: 'unit', value: 'dateTimeAsIso' }]),
    );
}
