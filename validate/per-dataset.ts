// Figures per dataset when one run judges several (Starlight validates across its submission
// datasets at once): the same metrics as the whole run, computed on each dataset's results.
import { METHODS, type StegoMethod } from '../v4/contract.ts';
import type { ItemResult } from './item-result.ts';
import { rateText } from './format.ts';
import { computeMetrics, type Metrics, type Rate } from './metrics.ts';

export interface DatasetFigures extends Pick<Metrics, 'files' | 'evaluated' | 'accuracy' | 'fpr' | 'fprByFormat' | 'detection' | 'unknownAlgorithms' | 'errors'> {
  detectionByMethod: Record<StegoMethod, Rate>;
}

const NO_RUN = { busyMs: 0, peakRss: { sampledBytes: 0, processMaxBytes: 0 } };

export function figuresByDataset(results: readonly ItemResult[]): Record<string, DatasetFigures> {
  const groups = new Map<string, ItemResult[]>();
  for (const r of results) {
    const group = groups.get(r.dataset);
    if (group) group.push(r);
    else groups.set(r.dataset, [r]);
  }
  return Object.fromEntries([...groups].map(([name, group]) => [name, figuresOf(computeMetrics(group, NO_RUN))]));
}

function figuresOf(m: Metrics): DatasetFigures {
  const { files, evaluated, accuracy, fpr, fprByFormat, detection, unknownAlgorithms, errors } = m;
  const detectionByMethod = Object.fromEntries(METHODS.map((x) => [x, m.methods[x].detection])) as Record<StegoMethod, Rate>;
  return { files, evaluated, accuracy, fpr, fprByFormat, detection, unknownAlgorithms, errors, detectionByMethod };
}

/** The per-dataset table both reports print: one row per dataset. */
export function datasetTable(byDataset: Record<string, DatasetFigures>): { header: string[]; rows: string[][] } {
  const header = ['DATASET', 'FILES', 'FPR', 'DETECTION', ...METHODS.map((m) => `DET ${m}`), 'OTHER ALGORITHMS'];
  const rows = Object.entries(byDataset).map(([name, f]) => [
    name, String(f.files), rateText(f.fpr), rateText(f.detection), ...METHODS.map((m) => rateText(f.detectionByMethod[m])),
    unknownText(f.unknownAlgorithms),
  ]);
  return { header, rows };
}

/** "dct 8/10 (80.00%)" for stego algorithms without a method of ours; "none" when there are none. */
export function unknownText(unknown: Record<string, Rate>): string {
  return Object.entries(unknown).map(([name, r]) => `${name} ${rateText(r)}`).join(', ') || 'none';
}
