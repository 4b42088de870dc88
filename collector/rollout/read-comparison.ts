// A rollout comparison read back from InfluxDB (the `rollout` points of every agent and window
// of one primary/candidate pair), summed into one total: the API and `starwatch rollout gate`
// both judge from this, so they agree with each other after restarts and across replicas.
import { InfluxQL, quote, type Series } from '../sinks/influxql.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { ComparisonWindow } from './comparison-window.ts';

export interface StoredComparison {
  total: ComparisonWindow;
  windows: number;
  /** From the first window's start to the last one's end. */
  spanMs: number;
  firstMs: number | null;
}

export async function readComparison(query: (q: string) => Promise<Series[][]>, baseline: string, candidate: string, sinceMs: number): Promise<StoredComparison> {
  const q = `SELECT * FROM "${MEASUREMENTS.rollout}" WHERE "primary" = ${quote(baseline)} AND "candidate" = ${quote(candidate)} AND time >= ${Math.floor(sinceMs)}ms`;
  const [series] = await query(q);
  const total = new ComparisonWindow(0, 0, { agent: '*', primary: baseline, candidate });
  let first = Infinity;
  let end = -Infinity;
  const rows = InfluxQL.rows(series ?? []);
  for (const row of rows) {
    const w = ComparisonWindow.fromRow(row);
    total.merge(w);
    first = Math.min(first, w.startMs);
    end = Math.max(end, w.startMs + w.sizeMs);
  }
  return { total, windows: rows.length, spanMs: rows.length > 0 ? end - first : 0, firstMs: rows.length > 0 ? first : null };
}
