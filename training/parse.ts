// Training logs as (step, metric, value) points, whatever wrote them: text logs ("Epoch 3/10, Loss:
// 0.1234", "Val Loss: 0.3, Val Acc: 91.2%", key=value and key: value pairs, models/train.py's
// "epoch 1/10: loss 0.69, train accuracy 0.51"), Keras-style JSON histories ({"loss": [...]}) and
// CSV metric logs (a header, one row per step or epoch). NaN and inf are kept: they are findings.

export interface TrainingPoint {
  /** Epoch or step number (as the log counts it; a row or line index where it says none). */
  step: number;
  /** Lower snake case: "Val Acc" -> val_acc. */
  metric: string;
  value: number;
}

export type LogFormat = 'text' | 'json' | 'csv';

const STEP_KEYS = new Set(['epoch', 'step', 'iter', 'iteration', 'global_step']);
const PROGRESS = /(^|\s)\d+\s*\/\s*\d+(\s|$)/;
/** Words that make "name value" (no ':' or '=') a metric; other such pairs are prose ("3600 images"). */
const METRIC_WORD = /loss|acc|accuracy|lr|learning_rate|f1|precision|recall|auc|err|error|mse|mae|rmse|perplexity|ppl|fpr|tpr|norm/;
const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|[-+]?inf(?:inity)?|nan`;

export const metricName = (s: string): string => s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

function toNumber(text: string, percent: boolean): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  const x = t === 'nan' ? NaN : /inf/.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
  return percent ? x / 100 : x;
}

const NUMERIC_CELL = new RegExp(`^(${NUMBER})%?$`, 'i');

/** A header of names, then a row of as many cells, numbers: a CSV metric log. */
function looksLikeCsv(text: string): boolean {
  const [header, row] = text.trimStart().split(/\r?\n/, 2).map((l) => l.split(',').map((c) => c.trim()));
  if (!header || !row || header.length < 2 || row.length !== header.length) return false;
  return header.every((c) => /^[A-Za-z_][\w .-]*$/.test(c)) && row.every((c) => NUMERIC_CELL.test(c) || c === '');
}

export function detectFormat(text: string, fileName = ''): LogFormat {
  const head = text.trimStart();
  if (fileName.endsWith('.json') || head.startsWith('{') || head.startsWith('[')) return 'json';
  if (fileName.endsWith('.csv') || looksLikeCsv(text)) return 'csv';
  return 'text';
}

export function parseLog(text: string, fileName = ''): TrainingPoint[] {
  const format = detectFormat(text, fileName);
  if (format === 'json') return parseJson(JSON.parse(text));
  if (format === 'csv') return parseCsv(text);
  return new TextLogParser().feed(text);
}

/** {"loss": [...], "val_loss": [...]} (or under "history"), or [{"epoch": 1, "loss": ...}, ...]. */
export function parseJson(doc: unknown): TrainingPoint[] {
  const d = doc as Record<string, unknown>;
  if (Array.isArray(doc)) return doc.flatMap((row, i) => rowPoints(row as Record<string, unknown>, i + 1));
  const history = (d.history && typeof d.history === 'object' ? d.history : d) as Record<string, unknown>;
  const out: TrainingPoint[] = [];
  for (const [key, values] of Object.entries(history)) {
    if (!Array.isArray(values)) continue;
    values.forEach((v, i) => {
      const value = typeof v === 'number' ? v : typeof v === 'string' ? toNumber(v, false) : NaN;
      if (typeof v === 'number' || typeof v === 'string') out.push({ step: i + 1, metric: metricName(key), value });
    });
  }
  return out;
}

function rowPoints(row: Record<string, unknown>, index: number): TrainingPoint[] {
  const stepKey = Object.keys(row).find((k) => STEP_KEYS.has(metricName(k)));
  const step = stepKey ? Number(row[stepKey]) : index;
  return Object.entries(row)
    .filter(([k, v]) => k !== stepKey && (typeof v === 'number' || (typeof v === 'string' && NUMERIC_CELL.test(v.trim()))))
    .map(([k, v]) => ({ step, metric: metricName(k), value: typeof v === 'number' ? v : toNumber(String(v).trim().replace(/%$/, ''), String(v).trim().endsWith('%')) }));
}

export function parseCsv(text: string): TrainingPoint[] {
  const [header, ...lines] = text.split(/\r?\n/).filter((l) => l.trim());
  const keys = header.split(',').map((k) => k.trim());
  return lines.flatMap((line, i) => rowPoints(Object.fromEntries(line.split(',').map((v, j) => [keys[j] ?? `col${j}`, v.trim()])), i + 1));
}

/**
 * Text logs, fed in pieces (so a followed log can be parsed as it grows). A line with an epoch or
 * step number sets the current step; lines without one add the metrics that step does not have yet
 * (validation lines after an epoch line). Progress lines (a running "640/3600" count) are skipped,
 * so they never overwrite an epoch's figures. Without any step number, each line with metrics is
 * its own step.
 */
export class TextLogParser {
  private step = 0;
  private sawStep = false;
  private seen = new Set<string>();
  private rest = '';

  feed(chunk: string): TrainingPoint[] {
    const lines = (this.rest + chunk).split(/\r?\n/);
    this.rest = lines.pop() ?? '';
    return lines.flatMap((l) => this.line(l));
  }

  /** What is left of a last line without its newline (at the end of a file). */
  end(): TrainingPoint[] {
    const last = this.rest;
    this.rest = '';
    return this.line(last);
  }

  private line(line: string): TrainingPoint[] {
    const stepMatch = /\b(epoch|step|iter(?:ation)?|global_step)\s*[:=#]?\s*(\d+)(?:\s*\/\s*\d+)?/i.exec(line);
    // "640/3600 images, loss 0.70" (or Keras' "100/100 [====]"): a running figure inside a step.
    if (!stepMatch && PROGRESS.test(line)) return [];
    const pairs = [...line.matchAll(new RegExp(String.raw`([A-Za-z][A-Za-z0-9_ .\-]*?)\s*([:=]?)\s*(${NUMBER})(\s*%)?(?![\w/])`, 'gi'))]
      .map((m) => ({ metric: metricName(m[1]), separated: m[2] !== '', value: toNumber(m[3], Boolean(m[4])) }))
      .filter((p) => p.metric && !STEP_KEYS.has(p.metric) && (p.separated || METRIC_WORD.test(p.metric)));
    if (stepMatch) {
      this.step = Number(stepMatch[2]);
      this.sawStep = true;
      this.seen.clear();
    } else if (!this.sawStep && pairs.length) {
      this.step++;
      this.seen.clear();
    }
    const out: TrainingPoint[] = [];
    for (const p of pairs) {
      if (this.seen.has(p.metric)) continue;
      this.seen.add(p.metric);
      out.push({ step: this.step, metric: p.metric, value: p.value });
    }
    return out;
  }
}
