// Reads `timestamp,value` rows for the offline tools (starwatch detect / forecast). A header
// row is skipped; timestamps are epoch ms, epoch seconds (below 1e11) or ISO 8601. Rows that
// cannot be read, or go back in time, are reported with their line number and left out:
// the detectors need points in time order.

export interface SeriesPoint {
  /** As written in the file, so output rows match input rows. */
  raw: string;
  /** 1-based line in the file. */
  line: number;
  ts: number;
  value: number;
}

export interface BadRow {
  line: number;
  code: 'bad_timestamp' | 'bad_value' | 'bad_columns' | 'out_of_order';
  message: string;
  /** The row's first cell as written (its timestamp), so a report can keep the row in place. */
  raw: string;
}

export interface ParsedSeries {
  points: SeriesPoint[];
  bad: BadRow[];
}

export function parseSeriesCsv(text: string): ParsedSeries {
  const points: SeriesPoint[] = [];
  const bad: BadRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, index) => {
    const line = index + 1;
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const cells = trimmed.split(',').map((c) => c.trim());
    if (index === 0 && Number.isNaN(Number(cells[1]))) return; // header
    const row = readRow(cells, line);
    if ('code' in row) return void bad.push(row);
    const previous = points[points.length - 1];
    if (previous && row.ts < previous.ts) {
      return void bad.push({ line, code: 'out_of_order', message: `line ${line}: timestamp ${row.raw} is before ${previous.raw}`, raw: row.raw });
    }
    points.push(row);
  });
  return { points, bad };
}

function readRow(cells: string[], line: number): SeriesPoint | BadRow {
  if (cells.length < 2) return { line, code: 'bad_columns', message: `line ${line}: want "timestamp,value"`, raw: cells[0] };
  const [raw, valueText] = cells;
  const ts = parseTimestamp(raw);
  if (Number.isNaN(ts)) return { line, code: 'bad_timestamp', message: `line ${line}: cannot read timestamp "${raw.slice(0, 40)}"`, raw };
  const value = Number(valueText);
  if (valueText === '' || !Number.isFinite(value)) return { line, code: 'bad_value', message: `line ${line}: value "${valueText.slice(0, 40)}" is not a number`, raw };
  return { raw, line, ts, value };
}

export function parseTimestamp(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  return text === '' ? NaN : Date.parse(text);
}
