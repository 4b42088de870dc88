// Builds the boards from code into grafana/dashboards/*.json (committed, provisioned as files).
// `npm run grafana:build` writes them; `--check` only reports files that differ from the code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DEFAULTS, loadConfig } from '../collector/config.ts';
import { withShared } from './board.ts';
import { DATASOURCE } from './influxql.ts';
import { withoutUnknownKeys } from './schema-compat.ts';
import type { Policies } from './variables.ts';
import { agentsBoard } from './boards/agents.ts';
import { anomaliesBoard } from './boards/anomalies.ts';
import { modelsBoard } from './boards/models.ts';
import { overviewBoard } from './boards/overview.ts';
import { rolloutBoard } from './boards/rollout.ts';

export const DASHBOARDS_DIR = fileURLToPath(new URL('./dashboards/', import.meta.url));
/** Copies for Dashboards > Import in the UI: they ask for the datasource instead of naming one. */
export const IMPORT_DIR = fileURLToPath(new URL('./import/', import.meta.url));
export const DATASOURCE_INPUT = 'DS_STARWATCH';

const BOARDS: Record<string, () => dashboard.DashboardBuilder> = {
  'overview.json': overviewBoard,
  'anomalies.json': anomaliesBoard,
  'models.json': modelsBoard,
  'agents.json': agentsBoard,
  'rollout.json': rolloutBoard,
};

/** Stable panel ids (Grafana would invent them otherwise, and the files would churn). */
function numberPanels(board: dashboard.Dashboard): dashboard.Dashboard {
  let id = 1;
  for (const panel of board.panels ?? []) panel.id = id++;
  return board;
}

/** The retention policy names the collector uses by default (the committed boards use these). */
export const DEFAULT_POLICIES: Policies = { raw: DEFAULTS.influx.rpRaw, windows: DEFAULTS.influx.rpWindows };

/** File name -> the exact text of the dashboard JSON. */
export function renderDashboards(policies: Policies = DEFAULT_POLICIES): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, make] of Object.entries(BOARDS)) {
    out.set(file, `${JSON.stringify(withoutUnknownKeys(numberPanels(withShared(make(), policies).build())), null, 2)}\n`);
  }
  return out;
}

/** The policy names of the collector's configuration (STARWATCH_INFLUX_RP_RAW / _WINDOWS). */
function configuredPolicies(): Policies {
  const { influx } = loadConfig({ env: process.env });
  return { raw: influx.rpRaw, windows: influx.rpWindows };
}

/**
 * A board as Grafana's UI import wants it: `__inputs` declares the InfluxDB datasource to pick,
 * and every reference to the provisioned one becomes that input.
 */
export function importCopy(text: string): string {
  const board = JSON.parse(text.replaceAll(`"uid": "${DATASOURCE.uid}"`, `"uid": "\${${DATASOURCE_INPUT}}"`));
  const inputs = [{ name: DATASOURCE_INPUT, label: 'InfluxDB (Starwatch)', description: 'The InfluxDB the collector writes (InfluxQL)', type: 'datasource', pluginId: 'influxdb', pluginName: 'InfluxDB' }];
  return `${JSON.stringify({ __inputs: inputs, ...board }, null, 2)}\n`;
}

/** Path -> text of every generated file: the provisioned boards and their import copies. */
export function renderFiles(policies: Policies = DEFAULT_POLICIES): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, text] of renderDashboards(policies)) {
    out.set(`${DASHBOARDS_DIR}${file}`, text);
    out.set(`${IMPORT_DIR}${file}`, importCopy(text));
  }
  return out;
}

function main(check: boolean): number {
  let stale = 0;
  mkdirSync(IMPORT_DIR, { recursive: true });
  for (const [path, text] of renderFiles(configuredPolicies())) {
    if (!check) {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
      continue;
    }
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // a missing file is stale like a different one
    }
    if (current !== text) {
      stale++;
      console.error(`stale: ${path} (run npm run grafana:build)`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.includes('--check'));
}
