// Growing counts (folded tag values, deferred analysis scopes) warn once a period with the growth
// and the total, never per event, and not at all while the count holds still.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../../collector/log.ts';
import { watchNewScopeBudget } from '../../collector/analysis/new-scope-budget.ts';
import { KeyBound, watchKeyBound } from '../../collector/windows/key-bound.ts';
import { warnOnGrowth } from '../../collector/warn-on-growth.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger('info', (line) => void lines.push(JSON.parse(line))) };
}

test('warnOnGrowth: one call a period with the growth since the last, none while still', (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  let count = 0;
  const calls: [number, number][] = [];
  const stop = warnOnGrowth(() => count, (growth, total) => calls.push([growth, total]), 1000);
  count = 5;
  mock.timers.tick(999);
  assert.deepEqual(calls, []);
  mock.timers.tick(1);
  count = 12;
  mock.timers.tick(1000);
  mock.timers.tick(1000);
  assert.deepEqual(calls, [[5, 5], [7, 12]]);
  stop();
  count = 20;
  mock.timers.tick(5000);
  assert.equal(calls.length, 2);
});

test('watchKeyBound: a warning per tag that folded values, with its growth, total and distinct values', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const { lines, log } = capture();
  const registry = new Registry();
  const keys = new KeyBound({ maxModelVersions: 1, maxAgents: 2, keyIdleMs: 3_600_000 });
  const stop = watchKeyBound(keys, registry, log, 1000);
  for (const agent of ['a', 'b', 'c', 'd', 'e']) keys.agents.admit(agent, 0);
  mock.timers.tick(1000);
  keys.agents.admit('f', 0);
  keys.versions.admit('v1', 0);
  keys.versions.admit('v2', 0);
  mock.timers.tick(1000);
  stop();
  assert.deepEqual(
    lines.map(({ event, tag, folded_into_other, total, distinct }) => ({ event, tag, folded_into_other, total, distinct })),
    [
      { event: 'tag_limit_reached', tag: 'agent', folded_into_other: 3, total: 3, distinct: 2 },
      { event: 'tag_limit_reached', tag: 'model_version', folded_into_other: 1, total: 1, distinct: 1 },
      { event: 'tag_limit_reached', tag: 'agent', folded_into_other: 1, total: 4, distinct: 2 },
    ],
  );
  const gauge = (await registry.getSingleMetricAsString('starwatch_collector_keys_overflowed_total')).split('\n');
  assert.ok(gauge.includes('starwatch_collector_keys_overflowed_total{tag="agent"} 4'), gauge.join('\n'));
  assert.ok(gauge.includes('starwatch_collector_keys_overflowed_total{tag="model_version"} 1'), gauge.join('\n'));
});

test('watchNewScopeBudget: the deferred scopes as a gauge, and one warning a period while they grow', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const { lines, log } = capture();
  const registry = new Registry();
  let deferred = 0;
  const stop = watchNewScopeBudget(() => deferred, registry, log, 1000);
  mock.timers.tick(1000);
  deferred = 3;
  mock.timers.tick(1000);
  mock.timers.tick(1000);
  stop();
  assert.deepEqual(lines.map(({ event, deferred: d, total }) => ({ event, deferred: d, total })), [{ event: 'analysis_scopes_deferred', deferred: 3, total: 3 }]);
  assert.match(await registry.getSingleMetricAsString('starwatch_collector_analysis_scopes_deferred_total'), /_total 3$/m);
});
