// Issue 19 item 6: unbounded cardinality. On main 43698b0, 5 messages with 1,000 new model
// versions each made thousands of windows, detectors, forecasters and InfluxDB series (215k in
// the run), and pushed the live feed's real topics out of its retained set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, quietLog, rawCounts } from '../integration/collector-setup.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { OTHER, TagBound } from '../../collector/windows/key-bound.ts';
import { LiveHub } from '../../collector/live/hub.ts';
import { Subject } from 'rxjs';
import { startAnalysis } from '../../collector/analysis/start-analysis.ts';
import { WindowEngine } from '../../collector/windows/engine.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';

// At file level, so the services stop after the suites' own `after` hooks have stopped the collector.
const services = useServices({ nats: true, influx: true });

describe('tag bound', () => {
  test('past the limit new values fold into _other and are counted; an idle value frees its place', () => {
    const bound = new TagBound(2, 1000);
    assert.deepEqual(['a', 'b', 'c', 'a', 'd'].map((v) => bound.admit(v, 0)), ['a', 'b', OTHER, 'a', OTHER]);
    assert.equal(bound.overflowed, 2);
    bound.admit('a', 900);
    assert.equal(bound.admit('e', 1500), 'e', 'b was idle for 1.5 s and gave its place up');
    assert.equal(bound.admit('a', 1500), 'a', 'a was seen recently and kept its place');
    assert.equal(bound.admit('b', 1500), OTHER);
  });
});

describe('analysis stage', () => {
  test('the per-key state of model versions gone quiet is forgotten after keyIdleMs of event time', async () => {
    const window$ = new Subject<WindowResult>();
    const quiet = { log: () => {}, info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
    // Every junk version judged in its first window (the budget of new scopes is tested below).
    const analysis = await startAnalysis({ window$, sink: { write: () => {} }, natsPublish: () => {}, settings: {}, log: quiet, notifiers: [], tuning: { newScopesPerWindow: 1000 } });
    try {
      const engine = new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 1000, replica: '0' });
      const t0 = Date.UTC(2025, 0, 1);
      const feed = (tsMs: number, version: string, id: string) => {
        engine.add(makeEvent({ id, tsMs, modelVersion: version }), tsMs, 0);
        for (const w of engine.advance(0)) window$.next(w);
      };
      for (let i = 0; i < 300; i++) feed(t0 + i, `junk-${i}`, `j-${i}`);
      for (let t = 10_000; t <= 15 * 60_000; t += 10_000) feed(t0 + t, 'v4.0.0', `r-${t}`);
      const peak = analysis.keysTracked();
      assert.ok(peak > 300 * 4, `every junk version got its detectors and forecasters (${peak})`);
      for (let t = 15 * 60_000; t <= 2 * 3_600_000; t += 10_000) feed(t0 + t, 'v4.0.0', `r-${t}`);
      const after = analysis.keysTracked();
      assert.ok(after < 100, `only the live version and the overall scope keep state (${after}, peak ${peak})`);
    } finally {
      window$.complete();
      await analysis.stop();
    }
  });
});

describe('new scopes per window', () => {
  test('one window group starts judging at most newScopesPerWindow new model versions; the rest wait for later windows, known ones never', async () => {
    const window$ = new Subject<WindowResult>();
    const quiet = { log: () => {}, info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
    const analysis = await startAnalysis({ window$, sink: { write: () => {} }, natsPublish: () => {}, settings: {}, log: quiet, notifiers: [], tuning: { newScopesPerWindow: 2 } });
    try {
      const engine = new WindowEngine({ allowedLatenessMs: 0, idleGraceMs: 1000, replica: '0' });
      const t0 = Date.UTC(2025, 0, 1);
      // One 10 s window: the real version, then 5 new ones (the overall scope is never deferred).
      // Feeds one 10 s window; the engine closes a 10 s window once the next one has begun.
      let wall = 0;
      const window = (start: number, versions: string[]) => {
        versions.forEach((v, i) => engine.add(makeEvent({ id: `${v}-${start}`, tsMs: t0 + start + i, modelVersion: v }), t0 + start + i, wall));
        wall += 10_000;
        for (const w of engine.advance(wall)) window$.next(w);
      };
      const junk = ['j1', 'j2', 'j3', 'j4', 'j5'];
      window(0, ['v4.0.0']);
      window(10_000, ['v4.0.0', ...junk]);
      const known = analysis.keysTracked();
      assert.equal(analysis.scopesDeferred(), 0, 'one new version fits the budget');
      window(20_000, ['v4.0.0', ...junk]);
      assert.equal(analysis.scopesDeferred(), 3, 'v4.0.0 is known; j1 and j2 spend the budget; j3-j5 wait');
      const afterOne = analysis.keysTracked();
      window(30_000, ['v4.0.0', ...junk]);
      assert.equal(analysis.scopesDeferred(), 4, 'j3 and j4 now; j5 waits once more');
      window(40_000, ['v4.0.0']);
      assert.equal(analysis.scopesDeferred(), 4, 'j5 judged: every version has its state');
      assert.ok(afterOne > known && analysis.keysTracked() > afterOne, `state grows window by window (${known}, ${afterOne}, ${analysis.keysTracked()})`);
    } finally {
      window$.complete();
      await analysis.stop();
    }
  });
});

describe('live feed retained topics', () => {
  test('a flood of one-off topics does not push out topics of real traffic', async () => {
    const hub = new LiveHub({ maxRetainedTopics: 100 });
    try {
      for (let window = 0; window < 2; window++) hub.publish('windows.10s.v4%2E0%2E0.agent-a', { window });
      for (let i = 0; i < 20_000; i++) hub.publish(`windows.10s.junk-${i}.agent-a`, { i });
      assert.deepEqual(hub.latest('windows.10s.v4%2E0%2E0.agent-a'), { window: 1 });
      assert.equal(hub.stats().retainedTopics, 100);
      assert.equal(hub.latest('windows.10s.junk-0.agent-a'), undefined, 'old junk went first');
    } finally {
      await hub.close();
    }
  });
});

describe('thousands of new model versions through the collector', () => {
  const DB = 'sec_cardinality';
  let collector: CollectorHandle;
  let nc: NatsConnection;
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000;
  const real = Array.from({ length: 50 }, (_, i) => makeEvent({ id: `r-${i}`, tsMs: base + i * 100, modelVersion: 'v4.0.0' }));
  // 5 messages of 1,000 events, each event with a version never seen before (as in the issue).
  const junk = Array.from({ length: 5000 }, (_, i) => makeEvent({ id: `j-${i}`, tsMs: base + 10_000 + i, nsPart: i % 1000, modelVersion: `junk-${i}` }));
  const last = makeEvent({ id: 'r-last', tsMs: base + 59_999, modelVersion: 'v4.0.0' });
  const total = real.length + junk.length + 1;

  before(async () => {
    const config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'cardinality' });
    config.windows.maxModelVersions = 3;
    collector = await startCollector(config, quietLog);
    nc = await natsConnect(services.nats.url);
    await publishBatches(nc.jetstream(), toBatches([...real, ...junk, last], 1000), 1);
  });
  after(async () => {
    await collector?.stop();
    await nc?.drain();
  });

  test('versions past the limit land in _other: InfluxDB series stay bounded and every event is counted', async () => {
    await waitFor(() => collector.stats().validEvents === total, { what: 'all events consumed', timeoutMs: 60_000 });
    await waitFor(async () => (await rawCounts(services.influx.url, DB)).total === total, { what: 'all raw points written', timeoutMs: 60_000 });
    const tagValues = async (from: string) =>
      ((await influxQL(services.influx.url, DB, `SHOW TAG VALUES FROM ${from} WITH KEY = "model_version"`))[0]?.values ?? []).map((v: string[]) => v[1]).sort();
    await waitFor(async () => (await tagValues('"window"')).includes(OTHER), { what: 'the _other window', timeoutMs: 60_000 });
    // The 3 admitted versions (the real one first), _other, and the roll-up `*`.
    assert.deepEqual(await tagValues('"window"'), ['*', OTHER, 'junk-0', 'junk-1', 'v4.0.0']);
    assert.deepEqual(await tagValues('"raw"."inference"'), [OTHER, 'junk-0', 'junk-1', 'v4.0.0']);
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    assert.match(metrics, /starwatch_collector_keys_overflowed_total\{tag="model_version"\} 4998\b/);
  });
});
