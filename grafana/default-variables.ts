// A board's queries as Grafana runs them when a board is opened and nobody picks anything: its
// default time range, and each variable at its default (constants, a custom variable's current
// value, "All" for multi-valued ones, and for a single-valued query variable its saved value if
// the query offers it, else the first value offered). `starwatch doctor` runs every panel so.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Runs InfluxQL; the first statement's series. */
export type RunInfluxQL = (q: string) => Promise<Array<{ columns: string[]; values: unknown[][] }>>;

export interface Defaults {
  values: Map<string, string>;
  timeFilter: string;
  intervalMs: number;
}

/** Grafana's `now-6h` / `now+2h` / `now` as an InfluxQL time expression. */
export function influxTime(grafana: string): string {
  const m = /^now(?:([+-])(\d+)([smhdw]))?$/.exec(grafana.trim());
  if (!m) throw new Error(`unsupported time "${grafana}" (only now, now-Nu, now+Nu)`);
  return m[1] ? `now() ${m[1]} ${m[2]}${m[3]}` : 'now()';
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const offsetMs = (grafana: string): number => {
  const m = /^now(?:([+-])(\d+)([smhdw]))?$/.exec(grafana.trim());
  return m?.[1] ? (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3]] : 0;
};

/** About this many points per series over the range, in whole 10 s steps (Grafana's own depends on the panel width). */
const POINTS = 500;

export async function boardDefaults(board: dashboard.Dashboard, run: RunInfluxQL): Promise<Defaults> {
  const from = board.time?.from ?? 'now-6h';
  const to = board.time?.to ?? 'now';
  const rangeMs = offsetMs(to) - offsetMs(from);
  const defaults: Defaults = {
    values: new Map(),
    timeFilter: `time >= ${influxTime(from)} AND time <= ${influxTime(to)}`,
    intervalMs: Math.max(10_000, Math.ceil(rangeMs / POINTS / 10_000) * 10_000),
  };
  // In board order: a later variable's query may use an earlier one.
  for (const v of board.templating?.list ?? []) defaults.values.set(v.name, await defaultValue(v, defaults, run));
  return defaults;
}

async function defaultValue(v: dashboard.VariableModel, d: Defaults, run: RunInfluxQL): Promise<string> {
  const current = (v.current as { value?: unknown } | undefined)?.value;
  if (v.type === 'constant') return String(v.query ?? '');
  if (v.type !== 'query') return String(Array.isArray(current) ? current[0] : (current ?? ''));
  if (v.multi) return current === '$__all' || current === undefined ? String(v.allValue ?? '.*') : `(${[current].flat().join('|')})`;
  const offered = (await run(fillQuery(String(v.query ?? ''), d))).flatMap((s) => s.values.map((row) => String(row[1])));
  const regex = typeof v.regex === 'string' && v.regex ? toRegExp(v.regex) : null;
  const usable = regex ? offered.filter((x) => regex.test(x)) : offered;
  const saved = String(current ?? '');
  return usable.includes(saved) ? saved : (usable[0] ?? '');
}

function toRegExp(grafana: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(grafana);
  return m ? new RegExp(m[1], m[2]) : new RegExp(grafana);
}

/** The query with Grafana's macros and the board's variables filled in (longest names first). */
export function fillQuery(query: string, d: Defaults): string {
  let q = query
    .replaceAll('$timeFilter', d.timeFilter)
    .replaceAll('$__interval_ms', String(d.intervalMs))
    .replaceAll('$__interval', `${d.intervalMs / 1000}s`);
  for (const name of [...d.values.keys()].sort((a, b) => b.length - a.length)) q = q.replaceAll(`$${name}`, d.values.get(name)!);
  return q;
}
