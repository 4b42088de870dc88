// Issue 19 item 9: the events stream is bounded (age, bytes, message size; full refuses new),
// its usage is a metric with an alert rule at 80%, and a publisher the full stream refuses is
// told, counts it and logs it, instead of losing events silently.
import { byLevel } from '../../log/logger.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DiscardPolicy, nanos, StorageType } from 'nats';
import { parse } from 'yaml';
import { EventPublisher } from '../../agent/publish/publisher.ts';
import { ensureStreams } from '../../collector/consume/streams.ts';
import { startCollector, streamSettingsOf } from '../../collector/start.ts';
import { createLogger } from '../../collector/log.ts';
import { EVENTS_FILTER } from '../../collector/consume/streams.ts';
import { MAX_MESSAGE_BYTES } from '../../schemas/inference-event.ts';
import { EVENTS_STREAM_LIMITS, eventsSubject } from '../../schemas/subjects.ts';
import { makeEvent, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, natsConnect } from '../integration/collector-setup.ts';

const services = useServices({ nats: true, influx: true });

test('the events stream gets its bounds, also when an older agent made it without', async () => {
  const nc = await natsConnect(services.nats.url);
  try {
    const jsm = await nc.jetstreamManager();
    const config = collectorConfig(services.nats.url, services.influx.url, 'bounds', { durable: 'bounds' });
    config.nats.stream = 'EV_UNBOUNDED';
    // As agents made it before: no bounds at all.
    await jsm.streams.add({ name: 'EV_UNBOUNDED', subjects: ['unbounded.>'], storage: StorageType.File, duplicate_window: nanos(120_000) });
    await ensureStreams(jsm, { ...streamSettingsOf(config), stream: 'EV_UNBOUNDED' }).catch(() => undefined); // its subjects are not ours; bounds still apply
    const c = (await jsm.streams.info('EV_UNBOUNDED')).config;
    assert.deepEqual([c.max_age, c.max_bytes, c.max_msg_size, c.discard], [nanos(EVENTS_STREAM_LIMITS.maxAgeMs), EVENTS_STREAM_LIMITS.maxBytes, MAX_MESSAGE_BYTES, DiscardPolicy.New]);
    assert.equal(EVENTS_STREAM_LIMITS.maxAgeMs, 7 * 86_400_000, 'the raw retention policy');
    await jsm.streams.delete('EV_UNBOUNDED');
  } finally {
    await nc.close();
  }
});

test('usage is exposed as a metric; the alert rule fires at 80%', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, 'usage', { durable: 'usage' });
  config.nats.streamMaxBytes = 100_000;
  const collector = await startCollector(config, createLogger('error'));
  const nc = await natsConnect(services.nats.url);
  try {
    const now = Date.now();
    const events = Array.from({ length: 4000 }, (_, i) => makeEvent({ id: `e${i}`, agent: 'agent-a', tsMs: now - 2000, nsPart: i }));
    const js = nc.jetstream();
    for (const b of toBatches(events, 20)) {
      const refused = await js.publish(eventsSubject(b.agent), b.data).then(() => false, () => true);
      if (refused) break; // full: the stream is at its bound
    }
    const usage = await waitFor(async () => {
      const text = await (await fetch(`${collector.httpUrl}/metrics`)).text();
      const value = Number(/^starwatch_collector_stream_usage_ratio (\S+)$/m.exec(text)?.[1]);
      return value > 0.8 && value;
    }, { timeoutMs: 30_000, what: 'usage above 0.8' });
    assert.ok(usage <= 1, `usage ${usage}`);
    const rules = parse(readFileSync('deploy/prometheus/starwatch-collector.rules.yaml', 'utf8'));
    const rule = rules.groups[0].rules.find((r: { alert: string }) => r.alert === 'StarwatchEventsStreamFilling');
    assert.equal(rule.expr, 'max(starwatch_collector_stream_usage_ratio) > 0.8');
  } finally {
    await collector.stop();
    await (await nc.jetstreamManager()).streams.delete(config.nats.stream).catch(() => undefined);
    await nc.close();
  }
});

test('a full stream refuses the agent: it is told, counts and logs it, and drops nothing silently', async () => {
  const nc = await natsConnect(services.nats.url);
  const warnings: string[] = [];
  const publisher = new EventPublisher({ agentId: 'agent-full', nats: { servers: [services.nats.url] }, createStream: false, batchSize: 50, logger: byLevel((level, m) => level === 'warn' && warnings.push(m)) });
  try {
    const jsm = await nc.jetstreamManager();
    // Six batches of these events fill 17,572 bytes as stored (CBOR data, 2,771-2,831 bytes, plus
    // about 116 of subject and headers each); in the 2,878 left the seventh's data (2,831) would fit
    // by itself, its subject and headers do not: the publisher must count what the stream counts
    // (a CI run, 2026-12-02, waited for a refusal that it took for an unanswered publish).
    await jsm.streams.add({ name: 'STARWATCH_EVENTS', subjects: [EVENTS_FILTER], storage: StorageType.File, max_bytes: 20_450, discard: DiscardPolicy.New });
    publisher.start();
    const now = Date.now();
    for (let i = 0; i < 500; i++) publisher.enqueue(makeEvent({ id: `f${i}`, agent: 'agent-full', tsMs: now, nsPart: i }));
    await waitFor(() => publisher.snapshot().streamRefusals > 0, { timeoutMs: 30_000, what: 'a refusal' });
    const s = publisher.snapshot();
    assert.equal(s.dropped, 0, 'nothing dropped: refused batches wait');
    assert.ok(s.sent < 500 && s.queueDepth + s.inFlightEvents === 500 - s.sent, `sent ${s.sent}, queued ${s.queueDepth}, in flight ${s.inFlightEvents}`);
    assert.match(warnings.join('\n'), /the events stream refused a batch/);
  } finally {
    await publisher.close(0);
    await nc.close();
  }
});
