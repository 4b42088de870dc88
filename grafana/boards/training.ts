// The Models board's Training row: each run's loss and validation curves from what
// `starwatch training ingest` writes (`training`: one point per step, at the run's start plus one
// second per step, so a run reads left to right at the time it started), and what was flagged in
// it (`training_finding`: divergence, plateaus, overfitting, instability), as a table and as
// annotations on the curves.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { MEASUREMENTS, from } from '../contract.ts';
import { tagMatchesVar } from '../influxql.ts';
import { row } from '../board.ts';
import { annotationOf } from '../annotations.ts';
import { tableOf, timeSeries } from '../panels.ts';
import { neutral } from '../targets.ts';
import { multiTag } from '../variables.ts';

const T = from(MEASUREMENTS.training);
const F = from(MEASUREMENTS.trainingFinding);
const runs = `${tagMatchesVar('run')} AND $timeFilter`;

export const trainingRunVariable = (): dashboard.QueryVariableBuilder => multiTag('run', MEASUREMENTS.training);

/** Findings on the time axis, where the step they name was written. */
export const trainingFindings = (): dashboard.AnnotationQueryBuilder =>
  annotationOf('Training findings', 'purple', `SELECT "message", "kind", "metric", "run" FROM ${F} WHERE ${runs}`, 'message', 'kind,metric,run');

export function withTrainingRow(b: dashboard.DashboardBuilder): dashboard.DashboardBuilder {
  return b
    .withRow(row('Training'))
    .withPanel(
      timeSeries({
        title: 'Training curves',
        description: 'Loss, validation loss and the other metrics of each run, by step (a run is drawn from the time it started, one second per step). A step whose value was NaN or inf has no point; see the findings.',
        unit: 'none',
        thresholds: neutral(),
        queries: [{ sql: `SELECT mean("value") FROM ${T} WHERE ${runs} GROUP BY time($__interval), "run", "metric" fill(none)`, alias: '$tag_run $tag_metric' }],
      }),
    )
    .withPanel(
      tableOf({
        title: 'Training findings',
        description: 'What was flagged in each run: divergence (NaN/inf, loss rising), plateaus, overfitting, instability',
        queries: [{ sql: `SELECT "run", "model_version", "kind", "metric", "step", "message" FROM ${F} WHERE ${runs} ORDER BY time DESC LIMIT 500`, format: 'table' }],
        size: { w: 12, h: 8 },
      }),
    );
}
