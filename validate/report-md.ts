// `--report out.md`: the Markdown dashboard of one validation run: metrics against targets with
// their status, the per-method table, latency, dataset quality, and the regression and ablation
// results when the run has them.
import { METHODS } from '../v4/contract.ts';
import { counts, msText, pct, rateText, signedPoints } from './format.ts';
import { datasetTable, unknownText } from './per-dataset.ts';
import type { Status } from './targets.ts';
import { targetValue } from './text-summary.ts';
import type { ValidationReport } from './validation.ts';

const STATUS_MARK: Record<Status, string> = { pass: '✅ pass', fail: '❌ fail', 'n/a': '➖ n/a' };

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function mdTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

export function reportMarkdown(r: ValidationReport): string {
  const m = r.metrics;
  const q = m.dataset;
  const overall = r.regression ? (r.regression.passed ? 'PASS' : 'FAIL') : 'no baseline';
  const out = [
    `# Validation: ${r.model.id}`,
    '',
    `- Model: \`${r.model.id}\`, version \`${r.model.version}\`, sha256 \`${r.model.sha256}\``,
    `- Inputs declared: ${r.inputs.join(', ')}`,
    `- Dataset: \`${r.dataset}\`: ${m.files} files, ${m.scored} judged, ${m.evaluated} judged and labelled`,
    `- Run: ${r.created}`,
    `- Regression status: **${overall}**`,
    '',
    '## Metrics against targets',
    '',
    ...mdTable(['Metric', 'Value', 'Target', 'Status'], r.targets.map((t) => [t.name, targetValue(t), t.target, STATUS_MARK[t.status]])),
    '',
    `FPR by format: ${Object.entries(m.fprByFormat).map(([f, x]) => `${f} ${rateText(x)}`).join(', ') || 'n/a'}. `
      + `Accuracy (clean vs stego): ${rateText(m.accuracy)}.`,
    '',
    '## Per method',
    '',
    ...mdTable(
      ['Method', 'Images', 'Detection', 'Method accuracy', 'Bit-order accuracy'],
      METHODS.map((name) => {
        const x = m.methods[name];
        return [name, String(x.n), rateText(x.detection), rateText(x.methodAccuracy), rateText(x.bitOrderAccuracy)];
      }),
    ),
    '',
    `Stego of algorithms without a method of ours: ${unknownText(m.unknownAlgorithms)}.`,
    '',
    `Bit order over all labelled images: ${rateText(m.bitOrder.overall)} (${Object.entries(m.bitOrder.byOrder).map(([o, x]) => `${o} ${rateText(x)}`).join(', ')}).`,
    '',
    '## Latency and resources',
    '',
    ...mdTable(
      ['p50', 'p95', 'p99', 'mean', 'max', 'throughput', 'peak RSS (sampled)', 'process RSS high-water'],
      [[
        msText(m.latencyMs?.p50), msText(m.latencyMs?.p95), msText(m.latencyMs?.p99), msText(m.latencyMs?.mean), msText(m.latencyMs?.max),
        m.throughput === null ? 'n/a' : `${m.throughput.toFixed(1)} files/s`, `${m.memory.peakRssMb} MB`, `${m.memory.processMaxRssMb} MB`,
      ]],
    ),
    '',
    'Latency is per file from decode to verdict, sequential, batch 1.',
    '',
    '## Dataset quality',
    '',
    ...mdTable(
      ['Measure', 'Value'],
      [
        ['classes', counts(q.classes)],
        ['clean share', q.cleanShare === null ? 'n/a' : pct(q.cleanShare)],
        ['method mix entropy', `${q.methodEntropyBits.toFixed(3)} bits (evenness ${q.methodEvenness.toFixed(3)})`],
        ['method imbalance (max/min)', q.methodImbalance === null ? 'n/a' : `${q.methodImbalance.toFixed(2)}x`],
        ['missing methods', q.missingMethods.join(', ') || 'none'],
        ['formats', counts(q.formats)],
        ['modes', counts(q.modes)],
        ['sizes vs 256x256', `${q.sizes.smaller} smaller (padded), ${q.sizes.exact} exact, ${q.sizes.larger} larger (cropped)`],
        ['problems per code', counts(m.errors)],
      ],
    ),
  ];
  if (Object.keys(r.byDataset).length > 1) {
    const { header, rows } = datasetTable(r.byDataset);
    out.push('', '## Per dataset', '', ...mdTable(header, rows));
  }
  if (r.regression) {
    out.push('', '## Regression against the baseline', '');
    if (r.regression.violations.length === 0) out.push('All rules hold.');
    else out.push(...mdTable(['Rule', 'Subject', 'Current', 'Baseline', 'Limit', 'Why'], r.regression.violations.map((v) => {
      const show = v.rule === 'latency_p95' ? msText : (x: number) => pct(x);
      return [v.rule, v.subject, show(v.current), v.baseline === null ? 'n/a' : show(v.baseline), show(v.limit), v.message];
    })));
    if (r.regression.skipped.length > 0) out.push('', ...r.regression.skipped.map((s) => `- skipped: ${s}`));
  }
  if (r.ablation) {
    out.push('', '## Ablation (one stream zeroed at a time, ranked by impact)', '', ...mdTable(
      ['Rank', 'Stream', 'FPR', 'Δ FPR (points)', 'Detection', 'Δ detection (points)', 'Verdicts flipped', 'Mean abs Δ P(stego)'],
      r.ablation.map((a) => [String(a.rank), a.stream, rateText(a.fpr), signedPoints(a.deltaFpr), rateText(a.detection), signedPoints(a.deltaDetection), String(a.flipped), a.meanAbsProbChange.toPrecision(3)]),
    ));
  }
  if (r.problems.length > 0) {
    const shown = r.problems.slice(0, 50);
    out.push('', '## Files with problems', '', ...mdTable(['File', 'Code', 'Message'], shown.map((p) => [p.file, p.code, p.message])));
    if (r.problems.length > shown.length) out.push('', `… and ${r.problems.length - shown.length} more (see --json).`);
  }
  return out.join('\n') + '\n';
}
