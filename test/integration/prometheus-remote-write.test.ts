// The Prometheus sink against a real Prometheus (Debian's, remote-write receiver on): known events
// give exactly the expected window metrics and the slowest event as exemplar, queried back through
// Prometheus' HTTP API; and an optional Prometheus that is away never holds an ack back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCollector } from '../../collector/start.ts';
import { startPrometheus, type LocalPrometheus } from '../../deploy/local/prometheus.ts';
import { freePort } from '../../deploy/local/ports.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, natsConnect, prepareStreams, quietLog } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const dir = tempDir('starwatch-prom-');
let prometheus: LocalPrometheus;
before(async () => {
  prometheus = await startPrometheus(join(dir, 'prometheus'));
});
after(async () => prometheus?.stop());

// The last 10 s of a minute two minutes ago: recent enough for Prometheus' head block, and the
// minute closes (releasing the acks) soon after the events stop. The agents take turns every 10
// events, a batch each, so every batch is later than the one before: with their events interleaved
// a pull holding one agent's batch alone would close seconds the other's batch still has events
// for (as collector-live.test.ts found under load).
const base = Math.floor(Date.now() / 60_000) * 60_000 - 120_000 + 50_000;
const events = Array.from({ length: 60 }, (_, i) =>
  makeEvent({ id: `e-${i}`, agent: Math.floor(i / 10) % 2 ? 'agent-b' : 'agent-a', tsMs: base + i * 150, nsPart: i, totalMs: 1 + i / 10, prob: 0.2 }),
);
const batches = toBatches(events, 10);

async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query, time: String(Date.now() / 1000) })}`);
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, 'success', query);
  return body.data.result;
}

const overall = 'agent="*",model_version="*"';

test('windows reach Prometheus as exact metrics, with the slowest event as exemplar', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, 'prom_rw', { idleGraceMs: 3000 });
  config.nats.durable = 'prom-rw';
  config.prometheus.remoteWrite = prometheus.writeUrl;
  config.prometheus.granularities = '1s,10s';
  config.prometheus.flushIntervalMs = 100;
  // Far fewer series per request than a window makes: every request is cut at the bound.
  config.prometheus.batchSeries = 7;
  const nc = await natsConnect(services.nats.url);
  // Published before the collector starts, and a longer idle grace: on a loaded machine a pause
  // of the producer or the collector between two batches let the idle clock close 1 s windows
  // before the rest of their events came (which then went into the open 10 s window only: 46 or
  // 53 of 60 in the 1 s windows while the 10 s window had all 60).
  await prepareStreams(nc, config).then(() => publishBatches(nc.jetstream(), batches)).catch(async (e) => {
    await nc.close();
    throw e;
  });
  const collector = await startCollector(config, quietLog).catch(async (e) => {
    await nc.close();
    throw e;
  });
  try {
    // The 10 s window closes last; once it is in, so are the 1 s ones.
    const [tenSec] = await waitFor(async () => {
      const r = await promQuery(`sum_over_time(starwatch_window_events{granularity="10s",${overall}}[10m])`);
      return r.length > 0 && r;
    }, { timeoutMs: 30_000, what: 'the 10 s window in Prometheus' });
    assert.equal(Number(tenSec.value[1]), 60, 'one 10 s window of 60 events');
    const [perSecond] = await promQuery(`sum(sum_over_time(starwatch_window_events{granularity="1s",${overall}}[10m]))`);
    assert.equal(Number(perSecond.value[1]), 60, 'the 1 s windows add up to every event');
    const perAgent = await promQuery(`sum by (agent) (sum_over_time(starwatch_window_events{granularity="10s",agent!="*",model_version="*"}[10m]))`);
    assert.deepEqual(Object.fromEntries(perAgent.map((r) => [r.metric.agent, Number(r.value[1])])), { 'agent-a': 30, 'agent-b': 30 });
    const [max] = await promQuery(`max_over_time(starwatch_window_latency_ms{granularity="10s",${overall},quantile="1"}[10m])`);
    assert.equal(Number(max.value[1]), 6.9);

    const url = `${prometheus.url}/api/v1/query_exemplars?${new URLSearchParams({ query: `starwatch_window_latency_ms{granularity="10s",${overall},quantile="1"}`, start: String(base / 1000 - 60), end: String(Date.now() / 1000) })}`;
    const exemplars = (await (await fetch(url)).json()) as { data: { exemplars: { labels: Record<string, string>; value: string }[] }[] };
    const found = exemplars.data.flatMap((s) => s.exemplars);
    assert.equal(found.length, 1, JSON.stringify(exemplars));
    assert.deepEqual([found[0].labels.event_id, Number(found[0].value)], ['e-59', 6.9]);

    await waitFor(() => collector.stats().acked === batches.length, { what: 'every message acked' }).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(collector.stats())}`);
    });
  } finally {
    await collector.stop();
    await nc.close();
  }
});

test('a Prometheus that is away never holds acks back: its failures and drops are counted', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, 'prom_away');
  config.nats.durable = 'prom-rw';
  config.prometheus.remoteWrite = `http://127.0.0.1:${await freePort()}/api/v1/write`;
  config.prometheus.granularities = '1s';
  config.prometheus.flushIntervalMs = 100;
  config.prometheus.maxQueueSeries = 10;
  // The first test's collector (same replica) left closed-window marks past these events in the
  // shared KV bucket: read back, they would make every event late, its ack held until the current
  // wall-clock minute closed (up to 60 s). A bucket of its own starts with nothing closed.
  config.nats.closedWindowsBucket = 'prom_away_closed';
  const nc = await natsConnect(services.nats.url);
  const collector = await startCollector(config, quietLog).catch(async (e) => {
    await nc.close();
    throw e;
  });
  try {
    // Other agents than the first test's: their batches are new messages to the stream's dedup.
    const others = toBatches(events.map((e) => ({ ...e, agent_id: e.agent_id.replace('agent', 'other') })), 10);
    await publishBatches(nc.jetstream(), others);
    // Every message acked (a message the first test left unacked may come back here too).
    const jsm = await nc.jetstreamManager();
    await waitFor(async () => {
      const info = await jsm.consumers.info(config.nats.stream, config.nats.durable);
      return collector.stats().acked >= others.length && info.num_pending === 0 && info.num_ack_pending === 0;
    }, { timeoutMs: 30_000, what: 'every message acked with Prometheus away' });
    // Acks no longer wait for the first failed attempt: wait for it (a deadline, not a sleep).
    let metrics = '';
    const figure = (name: string) => Number(metrics.match(new RegExp(`^${name}\\{sink="prometheus",required="false"\\} (\\S+)$`, 'm'))?.[1] ?? NaN);
    await waitFor(async () => {
      metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
      return figure('starwatch_collector_sink_write_errors_total') > 0;
    }, { timeoutMs: 10_000, what: 'a failed remote write counted' });
    assert.ok(figure('starwatch_collector_sink_write_errors_total') > 0, 'failed attempts counted');
    assert.ok(figure('starwatch_collector_sink_points_dropped_total') > 0, 'series past maxQueueSeries dropped and counted');
    assert.equal(figure('starwatch_collector_sink_points_written_total'), 0);
  } finally {
    await collector.stop();
    await nc.close();
  }
});
