// The terminal output of `starwatch validate`: the same content as the Markdown report, as
// aligned plain text.
import { METHODS } from '../v4/contract.ts';
import type { AblationRow } from './ablation.ts';
import { counts, msText, pct, rateText, signedPoints } from './format.ts';
import { datasetTable, unknownText } from './per-dataset.ts';
import type { RegressionResult } from './regression.ts';
import type { TargetCheck } from './targets.ts';
import type { ValidationReport } from './validation.ts';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function targetValue(t: TargetCheck): string {
  if (t.value === null) return 'n/a';
  if (t.name.startsWith('latency')) return msText(t.value);
  if (t.name === 'throughput') return `${t.value.toFixed(1)}/s`;
  return pct(t.value);
}

export function summaryText(r: ValidationReport): string {
  const m = r.metrics;
  const q = m.dataset;
  const out = [
    `model   ${r.model.id} (version ${r.model.version}, sha256 ${r.model.sha256.slice(0, 12)}), inputs: ${r.inputs.join(', ')}`,
    `dataset ${r.dataset}: ${m.files} files, ${m.scored} judged, ${m.evaluated} judged and labelled`,
    '',
    ...table(['METRIC', 'VALUE', 'TARGET', 'STATUS'], r.targets.map((t) => [t.name, targetValue(t), t.target, t.status.toUpperCase()])),
    '',
    `FPR ${rateText(m.fpr)}; by format: ${Object.entries(m.fprByFormat).map(([f, x]) => `${f} ${rateText(x)}`).join(', ') || 'n/a'}`,
    `accuracy (clean vs stego) ${rateText(m.accuracy)}`,
    '',
    ...table(
      ['METHOD', 'N', 'DETECTION', 'METHOD ACC', 'BIT-ORDER ACC'],
      METHODS.map((name) => {
        const x = m.methods[name];
        return [name, String(x.n), rateText(x.detection), rateText(x.methodAccuracy), rateText(x.bitOrderAccuracy)];
      }),
    ),
    `stego of algorithms without a method of ours: ${unknownText(m.unknownAlgorithms)}`,
    `bit order: ${rateText(m.bitOrder.overall)}; ${Object.entries(m.bitOrder.byOrder).map(([o, x]) => `${o} ${rateText(x)}`).join(', ')}`,
    '',
    m.latencyMs
      ? `latency p50 ${msText(m.latencyMs.p50)}, p95 ${msText(m.latencyMs.p95)}, p99 ${msText(m.latencyMs.p99)}, mean ${msText(m.latencyMs.mean)}, max ${msText(m.latencyMs.max)} (n ${m.latencyMs.n})`
      : 'latency n/a (no file reached the model)',
    `throughput ${m.throughput === null ? 'n/a' : `${m.throughput.toFixed(1)} files/s`} (sequential, batch 1); peak RSS ${m.memory.peakRssMb} MB sampled (process high-water ${m.memory.processMaxRssMb} MB)`,
    '',
    `dataset classes: ${counts(q.classes)}; clean share ${q.cleanShare === null ? 'n/a' : pct(q.cleanShare)}`,
    `method mix entropy ${q.methodEntropyBits.toFixed(3)} bits (evenness ${q.methodEvenness.toFixed(3)}), imbalance ${q.methodImbalance === null ? 'n/a' : `${q.methodImbalance.toFixed(2)}x`}, missing methods: ${q.missingMethods.join(', ') || 'none'}`,
    `formats: ${counts(q.formats)}; modes: ${counts(q.modes)}; sizes vs 256x256: ${q.sizes.smaller} smaller (padded), ${q.sizes.exact} exact, ${q.sizes.larger} larger (cropped)`,
    `problems per code: ${counts(m.errors)}`,
  ];
  if (Object.keys(r.byDataset).length > 1) {
    const { header, rows } = datasetTable(r.byDataset);
    out.push('', ...table(header, rows));
  }
  if (r.regression) out.push('', ...regressionText(r.regression));
  if (r.ablation) out.push('', ...ablationText(r.ablation));
  return out.join('\n');
}

export function regressionText(reg: RegressionResult): string[] {
  const lines = [`regression vs baseline: ${reg.passed ? 'PASS' : `FAIL (${reg.violations.length} rule${reg.violations.length === 1 ? '' : 's'} broken)`}`];
  for (const v of reg.violations) lines.push(`  BROKEN ${v.rule}: ${v.message}`);
  for (const s of reg.skipped) lines.push(`  skipped ${s}`);
  return lines;
}

export function ablationText(rows: readonly AblationRow[]): string[] {
  return [
    'ablation (each stream fed as zeros; deltas in percentage points, zeroed minus plain):',
    ...table(
      ['RANK', 'STREAM', 'FPR', 'dFPR', 'DETECTION', 'dDET', 'FLIPPED', 'MEAN |dP|'],
      rows.map((a) => [
        String(a.rank), a.stream, rateText(a.fpr), signedPoints(a.deltaFpr), rateText(a.detection),
        signedPoints(a.deltaDetection), String(a.flipped), a.meanAbsProbChange.toPrecision(3),
      ]),
    ),
  ];
}
