// Builds the boards from code into grafana/dashboards/*.json (committed, provisioned as files).
// `npm run grafana:build` writes them; `--check` only reports files that differ from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { agentsBoard } from './boards/agents.ts';
import { anomaliesBoard } from './boards/anomalies.ts';
import { modelsBoard } from './boards/models.ts';
import { overviewBoard } from './boards/overview.ts';

export const DASHBOARDS_DIR = fileURLToPath(new URL('./dashboards/', import.meta.url));

const BOARDS: Record<string, () => dashboard.DashboardBuilder> = {
  'overview.json': overviewBoard,
  'anomalies.json': anomaliesBoard,
  'models.json': modelsBoard,
  'agents.json': agentsBoard,
};

/** Stable panel ids (Grafana would invent them otherwise, and the files would churn). */
function numberPanels(board: dashboard.Dashboard): dashboard.Dashboard {
  let id = 1;
  for (const panel of board.panels ?? []) panel.id = id++;
  return board;
}

/** File name -> the exact text of the dashboard JSON. */
export function renderDashboards(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, make] of Object.entries(BOARDS)) {
    out.set(file, `${JSON.stringify(numberPanels(make().build()), null, 2)}\n`);
  }
  return out;
}

function main(check: boolean): number {
  let stale = 0;
  for (const [file, text] of renderDashboards()) {
    const path = `${DASHBOARDS_DIR}${file}`;
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
