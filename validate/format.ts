// How numbers are shown in the terminal output and the Markdown report.
import type { Rate } from './metrics.ts';

export const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** "93.33% (14/15)", or "n/a (0)" when there was nothing to count. */
export function rateText(r: Rate): string {
  return r.rate === null ? 'n/a (0)' : `${pct(r.rate)} (${r.hits}/${r.n})`;
}

export function signedPoints(x: number | null): string {
  if (x === null) return 'n/a';
  const points = (x * 100).toFixed(2);
  return x > 0 ? `+${points}` : x === 0 ? '0.00' : points;
}

export const msText = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${x.toFixed(2)} ms`);

export function counts(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}
