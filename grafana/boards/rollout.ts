// Rollout: a candidate model beside its baseline (shadow or canary, collector/rollout). How often
// they agree, how their methods confuse, their latency, and on labelled traffic the FPR and the
// detection per method of each; the gate's decisions (and rollbacks) as annotations.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { MEASUREMENTS, METHOD_FIELDS, from } from '../contract.ts';
import { DATASOURCE } from '../influxql.ts';
import { board, row } from '../board.ts';
import { tableOf, timeSeries } from '../panels.ts';
import { FPR_DECIMALS, TARGETS, atLeast, neutral, upTo } from '../targets.ts';

const R = from(MEASUREMENTS.rollout);
const scope = `"primary" = '$baseline' AND "candidate" = '$candidate' AND $timeFilter`;
const overTime = 'GROUP BY time($__interval) fill(null)';
// The rollout windows are a minute by default.
const rolloutInterval = { minInterval: '1m' };

/**
 * A window that closes before its agent's first candidate event is named 'unknown'
 * (collector/rollout/comparer.ts) and holds no pairs; sorted first, it would be the board's
 * default and show nothing, so the variables leave it out.
 */
function pairTag(name: 'baseline' | 'candidate'): dashboard.QueryVariableBuilder {
  const tag = name === 'baseline' ? 'primary' : 'candidate';
  return new dashboard.QueryVariableBuilder(name)
    .label(name)
    .description(`The ${name} model version of a rollout`)
    .datasource(DATASOURCE)
    .query(`SHOW TAG VALUES FROM "${MEASUREMENTS.rollout}" WITH KEY = "${tag}" WHERE "${tag}" != 'unknown'`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

/** Gate decisions (go, wait, no-go: a canary's rollback) of the pair on view. */
function decisions(): dashboard.AnnotationQueryBuilder {
  const t = {
    refId: 'Anno',
    query: `SELECT "message", "verdict" FROM ${from(MEASUREMENTS.rolloutDecision)} WHERE "candidate" = '$candidate' AND $timeFilter`,
    rawQuery: true,
    resultFormat: 'table',
    fromAnnotations: true,
    textColumn: 'message',
    tagsColumn: 'verdict',
    _implementsDataqueryVariant() {},
  };
  const target: cog.Builder<cog.Dataquery> = { build: () => t as cog.Dataquery };
  return new dashboard.AnnotationQueryBuilder().name('Rollout decisions').datasource(DATASOURCE).enable(true).iconColor('purple').target(target);
}

export function rolloutBoard(): dashboard.DashboardBuilder {
  return board({
    uid: 'starwatch-rollout',
    title: 'Starwatch / Rollout',
    description: 'A candidate model against its baseline in shadow or canary: agreement, method confusion, latency, FPR and detection per method',
  })
    .withVariable(pairTag('baseline'))
    .withVariable(pairTag('candidate'))
    .annotation(decisions())
    .withRow(row('Agreement'))
    .withPanel(
      timeSeries({
        title: 'Agreement of shadow pairs',
        description: 'Share of images both models called the same (stego or not), from shadow pairs; empty in canary mode, where no image is scored twice',
        unit: 'percentunit',
        ...rolloutInterval,
        thresholds: atLeast(0.99),
        queries: [{ sql: `SELECT sum("agree") / sum("pairs") AS "agreement" FROM ${R} WHERE ${scope} AND "pairs" > 0 ${overTime}` }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Method confusion (baseline__candidate)',
        description: 'Shadow pairs by the method each model named (none: no method); off the diagonal the two disagree',
        size: { w: 12, h: 8 },
        ...rolloutInterval,
        queries: [{ sql: `SELECT sum(/^conf_/) FROM ${R} WHERE ${scope}`, format: 'table' }],
      }),
    )
    .withRow(row('Labelled traffic'))
    .withPanel(
      timeSeries({
        title: 'FPR, baseline and candidate',
        description: `False positives among clean labelled requests (probes, labels) of each model; Starlight's limit ${TARGETS.fprMax * 100}%`,
        unit: 'percentunit',
        decimals: FPR_DECIMALS,
        ...rolloutInterval,
        thresholds: upTo(TARGETS.fprMax),
        queries: [
          { sql: `SELECT sum("p_fp") / sum("p_clean_labelled") AS "baseline" FROM ${R} WHERE ${scope} AND "p_clean_labelled" > 0 ${overTime}` },
          { sql: `SELECT sum("c_fp") / sum("c_clean_labelled") AS "candidate" FROM ${R} WHERE ${scope} AND "c_clean_labelled" > 0 ${overTime}` },
        ],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Detection per method, baseline and candidate',
        description: 'Labelled stego detected per method over the range (hits / labelled); the gate wants the candidate at most 1 point below',
        size: { w: 12, h: 8 },
        ...rolloutInterval,
        queries: METHOD_FIELDS.map((m) => ({
          sql: `SELECT sum("p_det_${m}_hits") / sum("p_det_${m}_n") AS "baseline ${m}", sum("c_det_${m}_hits") / sum("c_det_${m}_n") AS "candidate ${m}" FROM ${R} WHERE ${scope} AND "p_det_${m}_n" > 0 AND "c_det_${m}_n" > 0`,
          format: 'table' as const,
        })),
      }),
    )
    .withRow(row('Latency and traffic'))
    .withPanel(
      timeSeries({
        title: 'Latency p95, baseline and candidate',
        description: 'p95 of each model per window, and their ratio (the gate allows 1.2x)',
        unit: 'ms',
        ...rolloutInterval,
        thresholds: neutral(),
        queries: [
          { sql: `SELECT mean("p_p95_ms") AS "baseline" FROM ${R} WHERE ${scope} ${overTime}` },
          { sql: `SELECT mean("c_p95_ms") AS "candidate" FROM ${R} WHERE ${scope} ${overTime}` },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Requests per model',
        description: 'Requests each model scored (shadow: the candidate scores its share again; canary: it answers its share)',
        unit: 'short',
        ...rolloutInterval,
        thresholds: neutral(),
        queries: [
          { sql: `SELECT sum("p_n") AS "baseline" FROM ${R} WHERE ${scope} ${overTime}` },
          { sql: `SELECT sum("c_n") AS "candidate" FROM ${R} WHERE ${scope} ${overTime}` },
        ],
      }),
    );
}
