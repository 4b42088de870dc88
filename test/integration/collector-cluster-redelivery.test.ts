// Replica mode counts every message once when JetStream hands it to a second replica while the
// first still holds it (issue 18, item 7): two collector processes share the consumer with a
// short ack wait; one is frozen (SIGSTOP) after counting its messages and before acking them, so
// they are redelivered to the other, which counts them too (apart, under their stream
// sequences); then the frozen one goes on and publishes its windows. The merged minute must hold
// every event once, with the p95 of one engine over the same events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { collectorConfig, expectedMinutes, makeEvents, mergedMinutes, oneSecondSum, publishAtRate, spawnCollector, toBatches, type Collector } from '../../bench/cluster-run.ts';
import { PATIENCE, useServices, waitFor } from '../harness/services.ts';

const services = useServices({ nats: true, influx: true });

test('a message redelivered to a second replica while the first held it counts once in the merge', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-redelivery-'));
  const collectors: Collector[] = [];
  const nc = await connect({ servers: services.nats.url });
  try {
    const base = collectorConfig(services.nats.url, services.influx.url);
    base.nats.ackWaitMs = 2000;
    // Small pulls, so both replicas hold messages at once (at the default 64 one replica took
    // every batch first under stress-ng and the other never held any).
    base.nats.fetchBatch = 4;
    // Long enough for both replicas to be seen holding their messages on a loaded machine.
    base.windows.idleGraceMs = 6000;
    // The frozen replica stays live (its minute waits for its windows) however long the load makes the freeze.
    base.cluster = { ...base.cluster, streamReplicas: 1, liveTimeoutMs: 120_000 };
    base.alerts.latencyP95MaxMs = 1e6;
    for (const name of ['r0', 'r1']) collectors.push(await spawnCollector(base, name, dir));
    const [frozen, other] = collectors;
    await waitFor(async () => (await Promise.all(collectors.map((c) => c.metrics()))).every((m) => m.up), { timeoutMs: 60_000, what: 'two collectors' });

    // One minute of event time, ending minutes ago: it closes only when the replicas go idle.
    const events = makeEvents(3000, 1);
    await publishAtRate(nc, toBatches(events), 200, async () => undefined);
    const held = (c: Collector) => c.metric('starwatch_collector_pending_acks');
    await waitFor(async () => (await held(frozen)) > 0 && (await held(other)) > 0, { timeoutMs: 30_000, what: 'both replicas holding counted messages' });
    frozen.child.kill('SIGSTOP');
    try {
      await waitFor(async () => (await other.metric('starwatch_collector_cluster_redelivered_apart_total')) > 0, { timeoutMs: 30_000, what: 'the frozen replica\'s messages counted by the other' });
    } finally {
      frozen.child.kill('SIGCONT');
    }

    const [want] = expectedMinutes(events);
    const merged = await waitFor(async () => (await mergedMinutes(services.influx.url)).find((m) => m.start === want.start && m.count >= want.count && m.p95 !== null), { timeoutMs: 60_000, what: 'the merged minute, count and p95 written' })
      .catch(async () => (await mergedMinutes(services.influx.url)).find((m) => m.start === want.start));
    const figures = await Promise.all(collectors.map((c) => c.metrics()));
    const detail = JSON.stringify({ want, merged, figures });
    assert.equal(merged?.count, 3000, `every event once: ${detail}`);
    assert.equal(merged?.p95, want.p95, `the p95 of one engine: ${detail}`);
    // Written before the minute, but influxd may show a later write first (concurrent batches).
    const seconds = await waitFor(async () => { const n = await oneSecondSum(services.influx.url); return n >= 3000 && n; }, { timeoutMs: 30_000, what: 'the 1 s windows' })
      .catch(() => oneSecondSum(services.influx.url));
    assert.equal(seconds, 3000, 'the 1 s windows are exact too');
    // The path was taken: copies counted by the other replica were left out at the merge.
    assert.ok(figures[1].apart > 0, detail);
    assert.ok(Math.max(...figures.map((f) => f.duplicates)) > 0, `a copy was left out: ${detail}`);
    assert.equal(Math.max(...figures.map((f) => f.latePartials)), 0, detail);
  } finally {
    for (const c of collectors) c.child.kill('SIGCONT');
    await Promise.all(collectors.map((c) => c.stop()));
    await nc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
