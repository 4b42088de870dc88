// `starwatch compare`: several models on one dataset, the same metrics side by side. The dataset
// is listed once; each model runs it in turn, so latencies are measured under the same conditions.
import { METHODS } from '../v4/contract.ts';
import type { DecodeLimits } from '../v4/limits.ts';
import type { DatasetItem } from './dataset.ts';
import { msText, pct, rateText } from './format.ts';
import type { Metrics } from './metrics.ts';
import { mdTable } from './report-md.ts';
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

/** FPR of each image format any model saw clean images of. */
function formatRows(reports: readonly ValidationReport[]): string[][] {
  const formats = [...new Set(reports.flatMap((r) => Object.keys(r.metrics.fprByFormat)))].sort();
  return formats.map((f) => [`FPR ${f}`, ...reports.map((r) => (r.metrics.fprByFormat[f] ? rateText(r.metrics.fprByFormat[f]) : 'n/a (0)'))]);
}

/** FPR and detection of each dataset, when the run judged more than one. */
function datasetRows(reports: readonly ValidationReport[]): string[][] {
  const names = Object.keys(reports[0]?.byDataset ?? {});
  if (names.length < 2) return [];
  return names.flatMap((name) => [
    [`FPR [${name}]`, ...reports.map((r) => rateText(r.byDataset[name].fpr))],
    [`detection [${name}]`, ...reports.map((r) => rateText(r.byDataset[name].detection))],
  ]);
}

/** Metric rows, one column per model (named by file and version); `sizes` are the models' files in bytes. */
export function compareTable(reports: readonly ValidationReport[], sizes?: readonly number[]): string[][] {
  const header = ['METRIC', ...reports.map((r) => (r.model.version === r.model.id ? r.model.id : `${r.model.id} (${r.model.version})`))];
  const modelRows = [['inputs', ...reports.map((r) => String(r.inputs.length))]];
  if (sizes) modelRows.push(['model size', ...sizes.map((b) => `${(b / 2 ** 20).toFixed(2)} MB`)]);
  return [header, ...modelRows, ...rows.map(([name, get]) => [name, ...reports.map((r) => get(r.metrics))]), ...formatRows(reports), ...datasetRows(reports)];
}

/** `compare --report`: the same comparison as a Markdown page (for V3 vs V4 and rollout reviews). */
export function compareMarkdown(reports: readonly ValidationReport[], sizes: readonly number[]): string {
  const [header, ...body] = compareTable(reports, sizes);
  return [
    `# Model comparison`,
    '',
    `- Dataset: \`${reports[0]?.dataset ?? ''}\`, ${reports[0]?.metrics.files ?? 0} files, judged by each model in turn`,
    ...reports.map((r) => `- \`${r.model.id}\`: version \`${r.model.version}\`, inputs ${r.inputs.join(', ')}, sha256 \`${r.model.sha256.slice(0, 12)}\``),
    '',
    ...mdTable(header, body),
    '',
    `Rates are hits/n. Targets: FPR <= ${pct(TARGETS.maxFpr)}, detection >= ${pct(TARGETS.minDetection)}, p95 <= ${TARGETS.maxLatencyP95Ms} ms. Latency is per file, sequential, batch 1.`,
  ].join('\n') + '\n';
}

export function compareText(reports: readonly ValidationReport[]): string {
  const table = compareTable(reports);
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  const sets = reports.map((r) => `${r.model.id}: ${r.inputs.length} inputs`).join('; ');
  return [`dataset ${reports[0]?.dataset ?? ''}; ${sets}`, '', ...lines, '', `(rates: hits/n; targets: FPR <= ${pct(TARGETS.maxFpr)}, detection >= ${pct(TARGETS.minDetection)}, p95 <= ${TARGETS.maxLatencyP95Ms} ms)`].join('\n');
}
