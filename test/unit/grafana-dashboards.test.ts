// The committed dashboards are exactly what the code builds, and each board has what a person
// needs: queries on every panel, the template variables, and the alert/anomaly annotations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARDS_DIR, renderDashboards } from '../../grafana/build.ts';
import { panelsWithoutQuery } from '../../grafana/queries.ts';
import { DATASOURCE } from '../../grafana/influxql.ts';

const rendered = renderDashboards();
const boards = [...rendered.entries()].map(([file, text]) => [file, JSON.parse(text) as dashboard.Dashboard] as const);

test('the committed JSON files are byte for byte what the code generates (run npm run grafana:build)', () => {
  const committed = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(committed, [...rendered.keys()].sort(), 'a board file is missing or left over');
  for (const [file, text] of rendered) {
    assert.ok(readFileSync(`${DASHBOARDS_DIR}${file}`, 'utf8') === text, `${file} differs from the generated one`);
  }
});

test('building twice gives the same bytes', () => {
  assert.deepEqual(renderDashboards(), rendered);
});

test('the five boards exist with distinct uids', () => {
  const uids = boards.map(([, b]) => b.uid);
  assert.deepEqual(uids.sort(), ['starwatch-agents', 'starwatch-anomalies', 'starwatch-models', 'starwatch-overview', 'starwatch-rollout']);
});

test('every panel has at least one query, and every query targets the Starwatch datasource', () => {
  for (const [file, board] of boards) {
    assert.deepEqual(panelsWithoutQuery(board), [], `${file}: panels without a query`);
    for (const panel of board.panels ?? []) {
      if (panel.type === 'row') continue;
      for (const t of (panel as dashboard.Panel).targets ?? []) {
        assert.deepEqual((t as { datasource?: unknown }).datasource, DATASOURCE, `${file} > ${panel.title}`);
        assert.equal((t as { rawQuery?: boolean }).rawQuery, true);
      }
    }
  }
});

test('panel ids are unique within a board and panels do not overlap', () => {
  for (const [file, board] of boards) {
    const ids = (board.panels ?? []).map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
    const cells = new Set<string>();
    for (const p of board.panels ?? []) {
      const g = p.gridPos!;
      assert.ok(g.x + g.w <= 24, `${file} > ${p.title} runs off the grid`);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `${file} > ${p.title} overlaps another panel at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
    }
  }
});

test('each board has the variables it asks for, then the anomaly window and the retention policy constants', () => {
  const shared = ['anomaly_granularity', 'rp_raw', 'rp_windows'];
  const wanted: Record<string, string[]> = {
    'overview.json': ['granularity', 'agent', 'model_version', ...shared],
    'anomalies.json': ['anomaly_granularity', 'forecast_granularity', 'model_version', 'series', 'rp_raw', 'rp_windows'],
    'models.json': ['granularity', 'model_version', 'run', ...shared],
    'agents.json': ['granularity', 'agent', ...shared],
    'rollout.json': ['baseline', 'candidate', ...shared],
  };
  for (const [file, board] of boards) {
    const names = (board.templating?.list ?? []).map((v) => v.name);
    assert.deepEqual(names, wanted[file], file);
  }
});

test('every variable a query uses is defined on its board', () => {
  const builtIn = new Set(['timeFilter', '__interval', '__interval_ms', 'col']);
  for (const [file, board] of boards) {
    const defined = new Set((board.templating?.list ?? []).map((v) => v.name));
    const text = JSON.stringify({ panels: board.panels, annotations: board.annotations });
    for (const m of text.matchAll(/\$(\w+)/g)) {
      const name = m[1];
      if (builtIn.has(name) || name.startsWith('tag_')) continue;
      assert.ok(defined.has(name), `${file} uses $${name} but does not define it`);
    }
  }
});

test('alerts (as regions), anomalies and agent starts are annotations on every board; training findings on Models, rollout decisions on Rollout', () => {
  for (const [file, board] of boards) {
    const list = board.annotations?.list ?? [];
    const own = file === 'models.json' ? ['Training findings'] : file === 'rollout.json' ? ['Rollout decisions'] : [];
    assert.deepEqual(list.map((a) => a.name), ['Alerts firing', 'Anomalies', 'Agent starts (deploys)', ...own], file);
    assert.equal((list[0].target as { timeEndColumn?: string }).timeEndColumn, 'ends_ms', `${file}: alerts are drawn firing-to-resolved`);
  }
});
