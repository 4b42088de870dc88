// Two collector replicas on one shared durable consumer: each event is handled by exactly one of
// them, each writes partial windows under its own `replica` tag, and the partial windows sum to
// the whole (collector/README.md, "More than one replica").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector } from '../../collector/start.ts';
import { publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, minuteTotal, natsConnect, prepareStreams, quietLog, rawCounts, rows, spreadEvents } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });

test('two replicas share the stream: every event once, partial windows merge to the whole', async () => {
  const db = 'replicas';
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const events = spreadEvents(6000, base);
  const configs = ['0', '1'].map((replica) => collectorConfig(services.nats.url, services.influx.url, db, { durable: 'replicas', replica }));
  const nc = await natsConnect(services.nats.url);
  await prepareStreams(nc, configs[0]);
  const replicas = await Promise.all(configs.map((c) => startCollector(c, quietLog)));
  const handledBy = () => replicas.map((r) => r.stats().validEvents);
  try {
    await publishBatches(nc.jetstream(), toBatches(events, 20));
    let total = 0;
    await waitFor(async () => (total = await minuteTotal(services.influx.url, db)) === events.length, {
      timeoutMs: 60_000,
      what: 'minute windows summed over both replicas to cover every event',
    }).catch((e: Error) => {
      // Once seen under a loaded CI run (2026-12-01): say whether windows came short or counted twice.
      throw new Error(`${e.message}; last minute total ${total} of ${events.length}, events handled ${handledBy().join(' + ')}`);
    });
    assert.deepEqual(await rawCounts(services.influx.url, db), { total: events.length, distinct: events.length });
    const handled = handledBy();
    assert.equal(handled[0] + handled[1], events.length, `no event handled twice (${handled.join(' + ')})`);
    assert.ok(handled.every((n) => n > 0), `both replicas took a share (${handled.join(' + ')})`);
    const perReplica = rows(
      await influxQL(services.influx.url, db, `SELECT sum("count") FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' GROUP BY "replica"`),
    );
    assert.equal(perReplica.length, 2, 'each replica wrote its own partial windows');
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await nc.close();
  }
});
