// `starwatch compare`: several models on one dataset, the same metrics side by side. The dataset
// is listed once; each model runs it in turn, so latencies are measured under the same conditions.
import { METHODS } from '../agent/v4/contract.ts';
import type { DecodeLimits } from '../agent/v4/limits.ts';
import type { DatasetItem } from './dataset.ts';
import { msText, pct, rateText } from './format.ts';
import type { Metrics } from './metrics.ts';
import { TARGETS } from './targets.ts';
import { validateModel, type ValidationReport } from './validation.ts';

export interface CompareOptions {
  modelPaths: readonly string[];
  dataset: string;
  items: readonly DatasetItem[];
  limits?: Partial<DecodeLimits>;
  onModel?: (index: number, path: string) => void;
  onItem?: (done: number, total: number) => void;
}

export async function compareModels(options: CompareOptions): Promise<ValidationReport[]> {
  const reports: ValidationReport[] = [];
  for (const [i, modelPath] of options.modelPaths.entries()) {
    options.onModel?.(i, modelPath);
    const { report } = await validateModel({ modelPath, dataset: options.dataset, items: options.items, limits: options.limits, onItem: options.onItem });
    reports.push(report);
  }
  return reports;
}

const rows: [string, (m: Metrics) => string][] = [
  ['files judged', (m) => `${m.scored}/${m.files}`],
  ['accuracy', (m) => rateText(m.accuracy)],
  ['FPR', (m) => rateText(m.fpr)],
  ['detection (all)', (m) => rateText(m.detection)],
  ...METHODS.map((x): [string, (m: Metrics) => string] => [`detection ${x}`, (m) => rateText(m.methods[x].detection)]),
  ...METHODS.map((x): [string, (m: Metrics) => string] => [`method acc ${x}`, (m) => rateText(m.methods[x].methodAccuracy)]),
  ['bit-order accuracy', (m) => rateText(m.bitOrder.overall)],
  ['latency p50', (m) => msText(m.latencyMs?.p50)],
  ['latency p95', (m) => msText(m.latencyMs?.p95)],
  ['latency p99', (m) => msText(m.latencyMs?.p99)],
  ['throughput', (m) => (m.throughput === null ? 'n/a' : `${m.throughput.toFixed(1)}/s`)],
  ['peak RSS (sampled)', (m) => `${m.memory.peakRssMb} MB`],
  ['problems', (m) => String(Object.values(m.errors).reduce((a, b) => a + b, 0))],
];

/** FPR and detection of each dataset, when the run judged more than one. */
function datasetRows(reports: readonly ValidationReport[]): string[][] {
  const names = Object.keys(reports[0]?.byDataset ?? {});
  if (names.length < 2) return [];
  return names.flatMap((name) => [
    [`FPR [${name}]`, ...reports.map((r) => rateText(r.byDataset[name].fpr))],
    [`detection [${name}]`, ...reports.map((r) => rateText(r.byDataset[name].detection))],
  ]);
}

/** Metric rows, one column per model (named by file and version). */
export function compareTable(reports: readonly ValidationReport[]): string[][] {
  const header = ['METRIC', ...reports.map((r) => (r.model.version === r.model.id ? r.model.id : `${r.model.id} (${r.model.version})`))];
  return [header, ...rows.map(([name, get]) => [name, ...reports.map((r) => get(r.metrics))]), ...datasetRows(reports)];
}

export function compareText(reports: readonly ValidationReport[]): string {
  const table = compareTable(reports);
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  const sets = reports.map((r) => `${r.model.id}: ${r.inputs.length} inputs`).join('; ');
  return [`dataset ${reports[0]?.dataset ?? ''}; ${sets}`, '', ...lines, '', `(rates: hits/n; targets: FPR <= ${pct(TARGETS.maxFpr)}, detection >= ${pct(TARGETS.minDetection)}, p95 <= ${TARGETS.maxLatencyP95Ms} ms)`].join('\n');
}
