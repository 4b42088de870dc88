// Every Grafana panel answers: each panel query of the boards (built for the deployment's retention
// policy names) runs against its InfluxDB at the board's default time range and variables, as
// Grafana would on opening the board. One line per board: its empty panels by title, with what
// fills each; a query InfluxDB refuses fails (the boards do not match this database).
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { renderDashboards } from '../grafana/build.ts';
import { boardDefaults, fillQuery, type RunInfluxQL } from '../grafana/default-variables.ts';
import type { Policies } from '../grafana/variables.ts';
import { MEASUREMENTS } from '../schemas/measurements.ts';
import { fail, guarded, ok, warn, type CheckResult } from './check.ts';
import { influxQL, type InfluxTarget } from './store-checks.ts';

/** What writes the points an empty panel reads, by measurement (the rest come from live traffic). */
const FILLED_BY: Record<string, string> = {
  [MEASUREMENTS.training]: 'training runs appear once `starwatch training ingest` wrote one',
  [MEASUREMENTS.trainingFinding]: 'training findings appear once `starwatch training ingest` wrote one',
  [MEASUREMENTS.validation]: 'validation runs appear once `starwatch validate --publish` ran',
  [MEASUREMENTS.forecast]: 'forecasts start after 12 windows of 1 min',
  [MEASUREMENTS.alert]: 'alert panels fill once an alert fired',
  [MEASUREMENTS.anomaly]: 'anomaly panels fill after the detectors warm up (30 windows) and flag something',
  [MEASUREMENTS.drift]: 'drift needs its reference period first (60 windows)',
};
const TRAFFIC = 'the rest need agent traffic in the range (FPR and detection: labelled traffic or golden probes)';

interface PanelQuery {
  title: string;
  queries: string[];
}

function panelsOf(board: dashboard.Dashboard): PanelQuery[] {
  return (board.panels ?? [])
    .filter((p) => p.type !== 'row')
    .map((p) => ({ title: p.title ?? '?', queries: ((p as dashboard.Panel).targets ?? []).map((t) => String((t as { query?: string }).query ?? '')) }));
}

const hasData = (series: Awaited<ReturnType<RunInfluxQL>>): boolean =>
  series.some((s) => s.values.some((row) => row.some((cell, i) => s.columns[i] !== 'time' && cell !== null)));

const measurementsIn = (query: string): string[] => [...query.matchAll(/FROM\s+"[^"]*"\."([^"]+)"/g)].map((m) => m[1]);

export async function checkPanels(target: InfluxTarget, policies: Policies, timeoutMs: number): Promise<CheckResult[]> {
  const run: RunInfluxQL = (q) => influxQL(target, q, timeoutMs);
  const results: CheckResult[] = [];
  for (const [, text] of renderDashboards(policies)) {
    const board = JSON.parse(text) as dashboard.Dashboard;
    const name = `Grafana "${board.title}"`;
    results.push(...(await guarded(name, `check the InfluxDB URL and database (${target.database}); boards built for other retention policies: rebuild them (grafana/README.md)`, () => checkBoard(board, name, run))));
  }
  return results;
}

async function checkBoard(board: dashboard.Dashboard, name: string, run: RunInfluxQL): Promise<CheckResult> {
  const defaults = await boardDefaults(board, run);
  const panels = panelsOf(board);
  const empty: PanelQuery[] = [];
  for (const panel of panels) {
    let data = false;
    for (const q of panel.queries) {
      const filled = fillQuery(q, defaults);
      try {
        data = hasData(await run(filled));
      } catch (e) {
        return fail(name, `panel "${panel.title}": ${(e as Error).message}`, 'the boards do not match this database: rebuild them for its retention policies (STARWATCH_INFLUX_RP_RAW / _WINDOWS npm run grafana:build)');
      }
      if (data) break;
    }
    if (!data) empty.push(panel);
  }
  if (empty.length === 0) return ok(name, `all ${panels.length} panels return data`);
  const hints = new Set(empty.flatMap((p) => p.queries.flatMap(measurementsIn)).map((m) => FILLED_BY[m] ?? TRAFFIC));
  return warn(name, `${empty.length} of ${panels.length} panels empty: ${empty.map((p) => `"${p.title}"`).join(', ')}`, [...hints].join('; '));
}
