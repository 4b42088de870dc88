// InfluxDB stopped under load, then nats-server restarted under load: the collector holds, retries
// and pulls again; InfluxDB ends with every event exactly once and the minute windows whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, minuteTotal, rawCounts, rows, spreadEvents, withCollector } from './collector-setup.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';

const services = useServices({ nats: true, influx: true });

const tsMs = (e: InferenceEvent): number => Number(e.ts_ns.slice(0, -6));

/** Events per overall 1 min window, by the window's start (ms), in time order. */
function expectedMinutes(events: InferenceEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of events) {
    const minute = Math.floor(tsMs(e) / 60_000) * 60_000;
    out.set(minute, (out.get(minute) ?? 0) + 1);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** The overall 1 min windows written between from and to (ms), by start, in time order. */
async function minuteCounts(db: string, from: number, to: number): Promise<Map<number, number>> {
  const series = await influxQL(
    services.influx.url,
    db,
    `SELECT "count" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' AND time >= ${from}ms AND time < ${to}ms`,
  );
  return new Map(rows(series).map((r) => [Date.parse(r.time), r.count as number]));
}

test('influxd stopped under load and started again: nothing lost, nothing doubled', async () => {
  const db = 'influx_outage';
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const events = spreadEvents(20_000, base);
  const batches = toBatches(events, 100);
  const config = collectorConfig(services.nats.url, services.influx.url, db, { durable: 'outage-influx' });
  config.influx.maxBacklogPoints = 5000; // small, so flow control pauses pulling during the outage
  await withCollector(config, async (nc, collector) => {
    const js = nc.jetstream();
    await publishBatches(js, batches.slice(0, 60));
    await waitFor(() => collector.stats().pointsAccepted > 0, { what: 'first writes' });
    await services.influx.process.stop();
    const publishing = publishBatches(js, batches.slice(60));
    await waitFor(() => collector.stats().writeErrors >= 3, { timeoutMs: 20_000, what: 'failed writes while influxd is down' });
    const during = collector.stats();
    assert.ok(during.sinkBacklog > 0 && during.pendingAcks > 0, 'points and acks are held');
    await publishing;
    await services.influx.restart();
    await waitFor(async () => (await rawCounts(services.influx.url, db)).distinct === events.length, {
      timeoutMs: 60_000,
      what: 'every event after influxd came back',
    });
    assert.deepEqual(await rawCounts(services.influx.url, db), { total: events.length, distinct: events.length });
    await waitFor(async () => (await minuteTotal(services.influx.url, db)) === events.length, { timeoutMs: 20_000, what: 'whole minute windows' });
  });
});

test('nats-server restarted under load: nothing lost, nothing doubled', async () => {
  const db = 'nats_outage';
  // Newer than the first test's events (10-7 min ago), which this new durable reads first: older
  // ones would all be late for windows that those already closed.
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
  const events = spreadEvents(20_000, base).map((e) => ({ ...e, event_id: `n-${e.event_id}` }));
  const batches = toBatches(events, 100).map((b) => ({ ...b, agent: b.agent, seq: b.seq + 1_000_000 }));
  const config = collectorConfig(services.nats.url, services.influx.url, db, { durable: 'outage-nats', ackWaitMs: 4000 });
  await withCollector(config, async (nc, collector) => {
    // The first test's events are in the stream too; this durable reads them all, so count ours.
    await publishBatches(nc.jetstream(), batches.slice(0, 100));
    await waitFor(() => collector.stats().validEvents >= 5000, { what: 'consumption under way' });
    await services.nats.restart();
    await publishBatches(nc.jetstream(), batches.slice(100));
    const ours = async () => {
      const [s] = await influxQL(services.influx.url, db, `SELECT count("event_id") FROM "raw"."inference" WHERE "event_id" =~ /^n-/`);
      return s?.values[0][1] ?? 0;
    };
    await waitFor(async () => (await ours()) === events.length, { timeoutMs: 60_000, what: 'every event after the restart' });
    const [d] = await influxQL(services.influx.url, db, `SELECT count(distinct("event_id")) FROM "raw"."inference" WHERE "event_id" =~ /^n-/`);
    assert.equal(d.values[0][1], events.length);
    minuteCheck = { db, events };
    lateMerged = collector.stats().lateMerged;
  });
});

let minuteCheck: { db: string; events: InferenceEvent[] } | undefined;
let lateMerged = 0;

// After a nats-server restart under load, publishers retry what failed while newer batches get in
// first, so events arrive after their minute closed. Closed minutes take such late events and are
// written again (windows/closed-minutes.ts), so every minute ends exact.
test('nats-server restarted under load: the minute windows are exact', async () => {
  assert.ok(minuteCheck, 'the restart test did not get as far as its events');
  const { db, events } = minuteCheck;
  {
    // The minute windows of our span, each exactly as many events as fell in that minute.
    const want = JSON.stringify([...expectedMinutes(events)]);
    const from = Math.min(...events.map(tsMs));
    const to = Math.max(...events.map(tsMs)) + 60_000;
    let got = '';
    await waitFor(async () => (got = JSON.stringify([...(await minuteCounts(db, from, to))])) === want, {
      timeoutMs: 20_000,
      what: `exact minute windows ${want}`,
    }).then(() => console.log(`# late events merged into closed minutes: ${lateMerged}`)).catch(async (e: Error) => {
      const [late] = await influxQL(services.influx.url, db, `SELECT sum("late") FROM "window" WHERE "agent" = '*' AND "model_version" = '*'`);
      assert.fail(`${e.message}; last seen ${got}; late events counted in windows: ${JSON.stringify(late?.values ?? [])}; merged late: ${lateMerged}`);
    });
  }
});
