// The boards judge what they show: thresholds on every stat and rate panel (never Grafana's
// default red at 80), drawn as lines on time series; FPR with the three decimals its 0.05 % target
// needs; rates weighted from counts whose zero is never written (so no x / 0 = 0); the SLO and
// drift rows on the Overview; links that carry the variables; provisioning that takes nothing over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE_INPUT, IMPORT_DIR, renderDashboards, renderFiles } from '../../grafana/build.ts';
import { boardQueries } from '../../grafana/queries.ts';
import { ROLLOUT_RATE_BASES } from '../../collector/rollout/comparison-window.ts';
import { RATE_BASES } from '../../collector/points/rate-bases.ts';
import { SLO_PERIODS } from '../../grafana/boards/slo.ts';

const boards = [...renderDashboards().entries()].map(([file, text]) => [file, JSON.parse(text) as dashboard.Dashboard] as const);
const panels = boards.flatMap(([file, b]) => (b.panels ?? []).filter((p) => p.type !== 'row').map((p) => ({ file, p: p as dashboard.Panel })));
const RATE_UNITS = new Set(['percentunit', 'reqps']);
const isDefaultThresholds = (t: dashboard.ThresholdsConfig | undefined) =>
  !t || JSON.stringify(t.steps) === JSON.stringify([{ value: null, color: 'green' }, { value: 80, color: 'red' }]);

test('every stat and every rate panel sets its own thresholds; time series draw them as lines', () => {
  const judged = panels.filter(({ p }) => p.type === 'stat' || RATE_UNITS.has(p.fieldConfig?.defaults?.unit ?? ''));
  assert.ok(judged.length >= 25, `stat and rate panels: ${judged.length}`);
  for (const { file, p } of judged) {
    const d = p.fieldConfig!.defaults!;
    assert.ok(!isDefaultThresholds(d.thresholds), `${file} > ${p.title}: no thresholds of its own`);
    if (p.type === 'timeseries')
      assert.notEqual((d.custom as { thresholdsStyle?: { mode: string } })?.thresholdsStyle?.mode ?? 'off', 'off', `${file} > ${p.title}: thresholds not drawn`);
  }
});

test('FPR panels show three decimals of a percent (the target is 0.050 %) and a line at the target', () => {
  const fpr = panels.filter(({ p }) => /false positive|FPR SLI/i.test(p.title ?? ''));
  assert.ok(fpr.length >= 4, fpr.map(({ p }) => p.title).join(', '));
  for (const { file, p } of fpr) {
    const d = p.fieldConfig!.defaults!;
    assert.equal(d.decimals, 3, `${file} > ${p.title}`);
    assert.ok(d.thresholds!.steps.some((s) => s.value === 0.0005), `${file} > ${p.title}: no step at 0.05 %`);
  }
});

test('rates are weighted sums of counts over a base that is never written as 0; no mean of ratios, no spread()', () => {
  const bases = new Set(['count', ...Object.keys(RATE_BASES), ...ROLLOUT_RATE_BASES]);
  let ratios = 0;
  for (const [file, b] of boards)
    for (const q of boardQueries(b)) {
      assert.doesNotMatch(q.query, /mean\("(det_|rate_|fpr|stego_rate|detection_rate)/, `${file} ${q.where}: a mean of ratios`);
      assert.doesNotMatch(q.query, /spread\(/, `${file} ${q.where}: spread() sums across restarts`);
      for (const m of q.query.matchAll(/\/ sum\("([^"]+)"\)/g)) {
        ratios++;
        assert.ok(bases.has(m[1]), `${file} ${q.where}: divides by ${m[1]}, which is written as 0 when empty`);
      }
    }
  assert.ok(ratios >= 20, `ratios found: ${ratios}`);
});

test('"now" stats read the last closed window, not a partly filled interval', () => {
  const now = boards.find(([f]) => f === 'overview.json')![1].panels!.filter((p) => p.type === 'stat' && !/SLI|burn|budget/.test(p.title ?? ''));
  assert.equal(now.length, 4);
  for (const p of now) for (const t of (p as dashboard.Panel).targets ?? []) assert.match((t as unknown as { query: string }).query, /GROUP BY time\(\$granularity\) fill\(none\)$/, p.title);
});

test('the Overview has the SLO row (FPR and latency, 1 h / 6 h / 30 d, budget and burn rate) and the drift row', () => {
  const overview = boards.find(([f]) => f === 'overview.json')![1];
  const list = overview.panels ?? [];
  const rowAt = (title: RegExp) => list.findIndex((p) => p.type === 'row' && title.test(p.title ?? ''));
  const slo = rowAt(/^SLOs/);
  const drift = rowAt(/^Drift/);
  assert.ok(slo > 0 && drift > slo, 'SLO and drift rows present, in that order');
  const sloPanels = list.slice(slo + 1, drift) as dashboard.Panel[];
  for (const name of ['FPR SLI', 'FPR burn rate', 'FPR error budget left', 'Latency SLI', 'Latency burn rate', 'Latency error budget left']) {
    const p = sloPanels.find((x) => x.title === name);
    assert.ok(p, `${name} missing`);
    const queries = (p.targets ?? []).map((t) => (t as unknown as { query: string }).query).join('\n');
    for (const period of SLO_PERIODS) assert.ok(queries.includes(`now() - ${period}`), `${name}: no ${period} window`);
  }
  assert.match(JSON.stringify(sloPanels), /sum\(\\"slow\\"\) \/ sum\(\\"count\\"\)/, 'the latency SLI merges slow counts');
  const driftPanels = list.slice(drift + 1).map((p) => p.title);
  assert.deepEqual(driftPanels, ['PSI per facet', 'Jensen-Shannon distance per facet', 'Reference period']);
});

test('links to the other boards keep the time range and the variables picked', () => {
  for (const [file, b] of boards) for (const l of b.links ?? []) assert.ok(l.includeVars && l.keepTime, file);
});

test('provisioning takes no default datasource over; the import copies declare their datasource input', () => {
  const ds = parse(readFileSync(new URL('../../grafana/provisioning/datasources/starwatch.yaml', import.meta.url), 'utf8')).datasources[0];
  assert.notEqual(ds.isDefault, true);
  for (const [path, text] of renderFiles()) {
    assert.equal(readFileSync(path, 'utf8'), text, `${path} differs from the generated one (npm run grafana:build)`);
    if (!path.startsWith(IMPORT_DIR)) continue;
    const copy = JSON.parse(text);
    assert.deepEqual(copy.__inputs.map((i: { name: string; pluginId: string }) => [i.name, i.pluginId]), [[DATASOURCE_INPUT, 'influxdb']]);
    assert.ok(!text.includes('starwatch-influxdb'), `${path} still names the provisioned datasource`);
    assert.ok(text.includes(`"uid": "\${${DATASOURCE_INPUT}}"`), path);
  }
});
