// Issue 19 item 5 against a real influxd whose [http] max-body-size is 4096 bytes: a 413 is split
// down until every line is stored, a partial-write 400 accounts written and refused lines exactly
// and reports each refused line with influxd's reason, bodies stay under the configured bound,
// and the collector dead-letters what InfluxDB refuses instead of acking it away.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startInflux, type LocalInflux } from '../../deploy/local/influxd.ts';
import { BatchingSink } from '../../collector/sinks/batching-sink.ts';
import { InfluxV1Transport, setupInfluxV1 } from '../../collector/sinks/influx-v1.ts';
import { startCollector } from '../../collector/start.ts';
import { createLogger } from '../../collector/log.ts';
import { publishBatches, toBatches, makeEvent } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, prepareStreams, rawCounts } from '../integration/collector-setup.ts';

const services = useServices({ nats: true });
const dir = tempDir();
let influx: LocalInflux;
before(async () => {
  influx = await startInflux(join(dir, 'influx'), undefined, { maxBodySize: 4096 });
});
after(async () => {
  await influx?.stop();
});

const options = (db: string) => ({ url: influx.url, database: db, policies: { raw: 'raw', windows: 'windows' }, timeoutMs: 10_000 });
const line = (i: number, value = `${i}i`) => `m,k=a v=${value},pad="${'x'.repeat(300)}" 1700000000000${String(i).padStart(6, '0')}`;
const sinkOptions = { batchSize: 5000, maxInFlight: 2, flushIntervalMs: 60_000, maxBackoffMs: 50 };

async function countOf(db: string): Promise<number> {
  const [s] = await influxQL(influx.url, db, 'SELECT count("v") FROM "raw"."m"');
  return s?.values[0][1] ?? 0;
}

test('413: the batch is split until every line is stored, none dropped', async () => {
  const db = 'split413';
  await setupInfluxV1(options(db), { raw: 'INF', windows: 'INF' });
  const sink = new BatchingSink(new InfluxV1Transport(options(db)), sinkOptions);
  try {
    sink.writeLines('raw', Array.from({ length: 200 }, (_, i) => line(i)));
    await sink.flush();
    assert.deepEqual([sink.stats.pointsAccepted, sink.stats.pointsRejected], [200, 0]);
    assert.ok(sink.stats.batchesSplit > 1, 'split more than once');
    assert.equal(await countOf(db), 200);
  } finally {
    await sink.close(0);
  }
});

test('maxBodyBytes under the server limit: no 413 at all', async () => {
  const db = 'bounded';
  await setupInfluxV1(options(db), { raw: 'INF', windows: 'INF' });
  const sink = new BatchingSink(new InfluxV1Transport(options(db)), { ...sinkOptions, maxBodyBytes: 4000 });
  try {
    sink.writeLines('raw', Array.from({ length: 100 }, (_, i) => line(i)));
    for (let i = 100; i < 150; i++) sink.writeLines('raw', [line(i)]);
    await sink.flush();
    assert.deepEqual([sink.stats.pointsAccepted, sink.stats.batchesSplit, sink.stats.writeErrors], [150, 0, 0]);
    assert.equal(await countOf(db), 150);
  } finally {
    await sink.close(0);
  }
});

test('a partial write: written and refused lines counted exactly, each refused line with its reason', async () => {
  const db = 'partial';
  await setupInfluxV1(options(db), { raw: 'INF', windows: 'INF' });
  const refused: { line: string; reason: string }[] = [];
  const sink = new BatchingSink(new InfluxV1Transport(options(db)), { ...sinkOptions, maxBodyBytes: 4000, onRejected: (_, l, reason) => refused.push({ line: l, reason }) });
  try {
    // Floats first: the integer lines below then conflict with the field's type in this shard.
    const lines = Array.from({ length: 10 }, (_, i) => line(i, i === 3 || i === 7 ? `${i}i` : `${i}.5`));
    sink.writeLines('raw', lines);
    await sink.flush();
    assert.deepEqual([sink.stats.pointsAccepted, sink.stats.pointsRejected], [8, 2]);
    assert.deepEqual(refused.map((r) => r.line), [lines[3], lines[7]]);
    for (const r of refused) assert.match(r.reason, /HTTP 400: .*field type conflict/);
    assert.equal(await countOf(db), 8);
  } finally {
    await sink.close(0);
  }
});

test('the collector behind a 4 KiB influxd: every event stored; refused points dead-lettered before the ack', async () => {
  const config = collectorConfig(services.nats.url, influx.url, 'collector_small_body', { durable: 'small-body' });
  config.influx.maxBodyBytes = 4000;
  const nc = await natsConnect(services.nats.url);
  const collector = await startCollector(config, createLogger(process.env.DEBUG_TEST ? 'debug' : 'error', (l) => process.stderr.write(l)));
  try {
    await prepareStreams(nc, config);
    const base = Date.now() - 3 * 60_000;
    const events = Array.from({ length: 300 }, (_, i) => makeEvent({ id: `e${i}`, agent: 'agent-a', tsMs: base + i * 100, nsPart: i }));
    // A string total_ms in the raw measurement of the shard of two days ago (shards of raw are a
    // day long): the points of agent-c, stamped then, conflict with it; today's do not.
    const old = base - 2 * 86_400_000;
    await fetch(`${influx.url}/write?db=collector_small_body&rp=raw&precision=ms`, { method: 'POST', body: `inference,agent=agent-b total_ms="x" ${old}` });
    const conflicting = Array.from({ length: 3 }, (_, i) => makeEvent({ id: `c${i}`, agent: 'agent-c', tsMs: old + i, nsPart: i }));
    await publishBatches(nc.jetstream(), toBatches([...events, ...conflicting], 100));
    await waitFor(async () => (await rawCounts(influx.url, 'collector_small_body')).distinct === 300, { timeoutMs: 60_000, what: '300 raw points' });
    const jsm = await nc.jetstreamManager();
    const letters = await waitFor(async () => {
      const { state } = await jsm.streams.info(config.nats.deadLetterStream);
      if (state.messages < 3) return false;
      return Promise.all([...Array(state.messages).keys()].map(async (i) => JSON.parse((await jsm.streams.getMessage(config.nats.deadLetterStream, { seq: state.first_seq + i })).string())));
    }, { timeoutMs: 30_000, what: 'three letters' });
    assert.deepEqual(letters.map((l) => l.code), ['influx_rejected', 'influx_rejected', 'influx_rejected']);
    assert.match(letters[0].reason, /field type conflict/);
    assert.match(letters[0].payload, /^inference,/);
    // Windows are written when they close, after the raw points: wait for them, then they count too.
    await waitFor(() => collector.stats().pointsAccepted > 300, { timeoutMs: 30_000, what: 'the windows written beside the 300 raw points' });
  } finally {
    await collector.stop();
    await nc.close();
  }
});
