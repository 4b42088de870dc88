// The SLO row of the Overview: the FPR and latency objectives over the last 1 h, 6 h and 30 d, each
// with its error budget and burn rate. Both SLIs are ratios of counts (fp / clean_labelled, and
// slow / count where `slow` counts requests over the latency target), so they merge exactly over
// agents, model versions and collector replicas. They read the 1 min windows of the picked key:
// the counts are the same at every granularity and 30 d of 1 min windows is the cheapest read.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, from } from '../contract.ts';
import { tagsEqualVars, type Query } from '../influxql.ts';
import { row } from '../board.ts';
import { singleStat } from '../panels.ts';
import { FPR_DECIMALS, TARGETS, neutral, upTo, type Steps } from '../targets.ts';

export const SLO_PERIODS = ['1h', '6h', '30d'] as const;

interface Objective {
  name: string;
  /** Bad events and all events (counts of `window`). */
  bad: string;
  total: string;
  /** Allowed share of bad events: the error budget. */
  budget: number;
  unitText: string;
  decimals: number;
}

const OBJECTIVES: Objective[] = [
  { name: 'FPR', bad: 'fp', total: 'clean_labelled', budget: TARGETS.fprMax, unitText: `FPR at most ${TARGETS.fprMax * 100} % of clean-labelled requests`, decimals: FPR_DECIMALS },
  {
    name: 'Latency',
    bad: 'slow',
    total: 'count',
    budget: TARGETS.slowShareMax,
    unitText: `at most ${TARGETS.slowShareMax * 100} % of requests slower than ${TARGETS.latencyP95MaxMs} ms (p95 target)`,
    decimals: 2,
  },
];

const W = from(MEASUREMENTS.window);
const scope = (period: string): string => `"granularity" = '1m' AND ${tagsEqualVars('agent', 'model_version')} AND time > now() - ${period}`;
const sli = (o: Objective): string => `sum("${o.bad}") / sum("${o.total}")`;
const perPeriod = (o: Objective, select: (o: Objective) => string): Query[] =>
  SLO_PERIODS.map((p) => ({ sql: `SELECT ${select(o)} FROM ${W} WHERE ${scope(p)}`, alias: `last ${p}` }));

/** Red once the budget is spent, orange in its last quarter. */
const budgetLeft: Steps = [
  { value: null, color: 'red' },
  { value: 0, color: 'orange' },
  { value: 0.25, color: 'green' },
];

export function withSloRow(b: dashboard.DashboardBuilder): dashboard.DashboardBuilder {
  b.withRow(row('SLOs (1 h, 6 h, 30 d)'));
  for (const o of OBJECTIVES) {
    const withSamples: Query[] = SLO_PERIODS.map((p) => ({ sql: `SELECT sum("${o.total}") FROM ${W} WHERE ${scope(p)}`, alias: `n ${p}` }));
    const sliPanel = singleStat({
      title: `${o.name} SLI`,
      description: `Share of bad events (${o.bad} / ${o.total}); objective: ${o.unitText}. n: the events behind it`,
      unit: 'percentunit',
      decimals: o.decimals,
      thresholds: upTo(o.budget),
      size: { w: 8, h: 5 },
      minInterval: '1m',
      queries: [...perPeriod(o, sli), ...withSamples],
    });
    // The sample counts are read, not judged.
    withSamples.forEach((_, i) =>
      sliPanel.overrideByQuery(String.fromCharCode(65 + SLO_PERIODS.length + i), [
        { id: 'unit', value: 'short' },
        { id: 'decimals', value: 0 },
        { id: 'thresholds', value: { mode: dashboard.ThresholdsMode.Absolute, steps: neutral() } },
      ]),
    );
    b.withPanel(sliPanel);
    b.withPanel(
      singleStat({
        title: `${o.name} burn rate`,
        description: `How fast the error budget (${o.budget * 100} % bad) is spent: 1 spends it exactly over the period, ${TARGETS.burnMax} spends 30 d in 5`,
        unit: 'none',
        decimals: 2,
        thresholds: upTo(TARGETS.burnMax, TARGETS.burnWarn),
        size: { w: 8, h: 5 },
        minInterval: '1m',
        queries: perPeriod(o, (x) => `${sli(x)} / ${x.budget}`),
      }),
    );
    b.withPanel(
      singleStat({
        title: `${o.name} error budget left`,
        description: `Share of the error budget not yet spent in each period (below 0: the objective is missed)`,
        unit: 'percentunit',
        decimals: 1,
        thresholds: budgetLeft,
        size: { w: 8, h: 5 },
        minInterval: '1m',
        queries: perPeriod(o, (x) => `1 - ${sli(x)} / ${x.budget}`),
      }),
    );
  }
  return b;
}
