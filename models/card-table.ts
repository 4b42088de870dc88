// The model card's table: per-format FPR and per-method detection from `starwatch validate --json`
// reports, each with its 95% Wilson score interval (validate prints rates only; a card that says
// "0/80" should also say how far that is from, say, 3%).
//
//   node --import tsx models/card-table.ts models/validation-heldout.json [more.json...]
import { readFileSync } from 'node:fs';

export interface Rate {
  hits: number;
  n: number;
}

/** 95% Wilson score interval of a binomial proportion. */
export function wilson({ hits, n }: Rate, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = hits / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const scale = 1 + (z * z) / n;
  return [Math.max(0, (centre - spread) / scale), Math.min(1, (centre + spread) / scale)];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function cell(rate: Rate): string {
  const [lo, hi] = wilson(rate);
  return `${pct(rate.hits / rate.n)} (${rate.hits}/${rate.n}; ${pct(lo)}-${pct(hi)})`;
}

function table(path: string): string {
  const { metrics } = JSON.parse(readFileSync(path, 'utf8'));
  const rows = [
    `| metric (${path}) | value (hits/n; 95% interval) |`,
    '|---|---|',
    `| FPR, all formats | ${cell(metrics.fpr)} |`,
    ...Object.entries(metrics.fprByFormat as Record<string, Rate>).map(([f, r]) => `| FPR, ${f} | ${cell(r)} |`),
    ...Object.entries(metrics.methods as Record<string, { detection: Rate }>).map(([m, r]) => `| detection, ${m} | ${cell(r.detection)} |`),
  ];
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(process.argv.slice(2).map(table).join('\n\n'));
}
