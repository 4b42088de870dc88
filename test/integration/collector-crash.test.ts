// kill -9 the collector (a child process running `starwatch collector`) mid-stream, start it
// again: InfluxDB ends with every event exactly once, and the minute windows whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exited, startRestartRig } from '../../bench/hostile/collector-child.ts';
import { publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, minuteTotal, rawCounts, spreadEvents } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const dir = tempDir();

test('kill -9 mid-stream and restart: every event exactly once, windows whole', async () => {
  const db = 'crash_test';
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
  const events = spreadEvents(30_000, base);
  const batches = toBatches(events, 100);
  const config = collectorConfig(services.nats.url, services.influx.url, db, { ackWaitMs: 3000 });
  const rig = await startRestartRig(config, dir);
  const { first } = rig;
  try {
    const js = rig.nc.jetstream();
    await publishBatches(js, batches.slice(0, batches.length / 2));
    await waitFor(async () => (await rawCounts(services.influx.url, db)).total >= 3000, {
      timeoutMs: 30_000,
      what: 'the first collector to write some events',
    }).catch(rig.explain);
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.ok((await rawCounts(services.influx.url, db)).total < events.length, 'killed before the end');

    await publishBatches(js, batches.slice(batches.length / 2));
    const second = rig.startAgain();
    await waitFor(async () => (await rawCounts(services.influx.url, db)).distinct === events.length, {
      timeoutMs: 60_000,
      what: 'every event in InfluxDB',
    }).catch(rig.explain);
    assert.deepEqual(await rawCounts(services.influx.url, db), { total: events.length, distinct: events.length });
    await waitFor(async () => (await minuteTotal(services.influx.url, db)) === events.length, {
      timeoutMs: 30_000,
      what: 'the minute windows to add up to every event',
    }).catch(rig.explain);
    assert.match(second.output(), /"event":"recovering"/);
  } finally {
    await rig.close();
  }
});
