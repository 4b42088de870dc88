// One validation: dataset -> run -> metrics, target statuses, regression verdict, ablation. The
// report is what --json prints, what --write-baseline and the Markdown report are made from,
// and what a later run can take as its baseline.
import type { StreamName } from '../v4/contract.ts';
import type { ModelIdentity } from '../v4/model.ts';
import type { DecodeLimits } from '../v4/limits.ts';
import { ablationRows, type AblationRow } from './ablation.ts';
import type { Baseline } from './baseline.ts';
import type { DatasetItem } from './dataset.ts';
import type { ItemResult } from './item-result.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { figuresByDataset, type DatasetFigures } from './per-dataset.ts';
import { checkRegression, type RegressionResult } from './regression.ts';
import { runModel } from './run.ts';
import { checkTargets, type TargetCheck } from './targets.ts';

export const REPORT_KIND = 'starwatch-validate';

export interface ValidationReport {
  kind: typeof REPORT_KIND;
  v: 1;
  created: string;
  dataset: string;
  model: ModelIdentity;
  /** Streams the model declares. */
  inputs: StreamName[];
  metrics: Metrics;
  /** The same figures for each dataset of the run, by name. */
  byDataset: Record<string, DatasetFigures>;
  targets: TargetCheck[];
  /** Null without a baseline. */
  regression: RegressionResult | null;
  /** Null without --ablate. */
  ablation: AblationRow[] | null;
  /** Every file that had a problem, with its code. */
  problems: { file: string; code: string; message: string }[];
}

export interface ValidateOptions {
  modelPath: string;
  dataset: string;
  items: readonly DatasetItem[];
  baseline?: Baseline | null;
  ablate?: boolean;
  limits?: Partial<DecodeLimits>;
  onItem?: (done: number, total: number) => void;
}

export interface Validation {
  report: ValidationReport;
  /** Per-file results, for publishing. */
  results: ItemResult[];
}

export async function validateModel(options: ValidateOptions): Promise<Validation> {
  const run = await runModel(options.items, {
    modelPath: options.modelPath,
    limits: options.limits,
    ablate: options.ablate,
    onItem: options.onItem,
  });
  const metrics = computeMetrics(run.results, run);
  const report: ValidationReport = {
    kind: REPORT_KIND,
    v: 1,
    created: new Date().toISOString(),
    dataset: options.dataset,
    model: run.model,
    inputs: run.inputs,
    metrics,
    byDataset: figuresByDataset(run.results),
    targets: checkTargets(metrics),
    regression: options.baseline ? checkRegression(metrics, options.baseline) : null,
    ablation: run.ablation ? ablationRows(run.results, run.ablation) : null,
    problems: run.results.filter((r) => r.error).map((r) => ({ file: r.file, ...r.error! })),
  };
  return { report, results: run.results };
}
