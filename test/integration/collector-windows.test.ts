// A known set of events through real nats-server and influxd gives exactly the expected window
// values, queried back with InfluxQL; bad input goes to the dead-letter stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstValueFrom, filter } from 'rxjs';
import { DEAD_LETTER_SUBJECT } from '../../schemas/subjects.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, rawCounts, rows, withCollector } from './collector-setup.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';

const services = useServices({ nats: true, influx: true });

// Three minutes ago, on a minute boundary: event time drives the windows, not the wall clock.
const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000;

function knownEvents(): InferenceEvent[] {
  const events: InferenceEvent[] = [];
  for (let i = 0; i < 100; i++)
    events.push(
      makeEvent({
        id: `a-${i}`,
        agent: 'agent-a',
        tsMs: base + i * 100,
        totalMs: 1 + i / 100, // 1.00 .. 1.99 ms: exact in the sketch
        prob: i % 4 === 0 ? 0.9 : 0.2,
        method: 'alpha',
        error: i % 10 === 9 ? 'decode_failed' : undefined,
        format: i % 2 ? 'JPEG' : 'PNG',
        bytes: i < 50 ? 1000 : 100_000,
        label: i < 20 ? { category: 'clean' } : i < 40 ? { category: 'stego', method: 'alpha' } : undefined,
      }),
    );
  for (let i = 0; i < 50; i++)
    events.push(
      makeEvent({ id: `b-${i}`, agent: 'agent-b', modelVersion: 'v4.1.0', tsMs: base + 30_000 + i * 500, totalMs: 1.5 + i / 100, prob: 0.3 }),
    );
  // The last event sits just before the minute's end, so the minute closes soon after.
  events.push(makeEvent({ id: 'b-last', agent: 'agent-b', modelVersion: 'v4.1.0', tsMs: base + 59_999, totalMs: 1.2, prob: 0.6, method: 'palette' }));
  return events;
}

/** The expected 1 min overall window, computed the plain way. */
function expected(events: InferenceEvent[]) {
  const nearestRank = (sorted: number[], p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
  const latencies = events.map((e) => e.timings.total_ms).sort((a, b) => a - b);
  const scored = events.filter((e) => e.outputs);
  const stego = scored.filter((e) => e.outputs!.is_stego);
  const clean = scored.filter((e) => e.label?.category === 'clean');
  const alphaLabelled = scored.filter((e) => e.label?.method === 'alpha');
  return {
    count: events.length,
    errors: events.length - scored.length,
    err_decode_failed: events.length - scored.length,
    latency_p50: nearestRank(latencies, 50),
    latency_p95: nearestRank(latencies, 95),
    latency_p99: nearestRank(latencies, 99),
    latency_max: latencies[latencies.length - 1],
    stego_rate: stego.length / scored.length,
    mean_prob: scored.reduce((s, e) => s + e.outputs!.stego_prob, 0) / scored.length,
    fp: clean.filter((e) => e.outputs!.is_stego).length,
    clean_labelled: clean.length,
    fpr: clean.filter((e) => e.outputs!.is_stego).length / clean.length,
    det_alpha: alphaLabelled.filter((e) => e.outputs!.is_stego).length / alphaLabelled.length,
    det_alpha_n: alphaLabelled.length,
    rate_alpha: stego.filter((e) => e.outputs!.method === 'alpha').length / scored.length,
    rate_palette: stego.filter((e) => e.outputs!.method === 'palette').length / scored.length,
    fmt_PNG: events.filter((e) => e.input.format === 'PNG').length,
    fmt_JPEG: events.filter((e) => e.input.format === 'JPEG').length,
    size_lt64k: events.filter((e) => e.input.bytes < 65536).length,
    size_64k_256k: events.filter((e) => e.input.bytes >= 65536).length,
    rps: events.length / 60,
    late: 0,
  };
}

test('known events give exactly the expected windows in InfluxDB, and bad input is dead-lettered', async () => {
  const events = knownEvents();
  const config = collectorConfig(services.nats.url, services.influx.url, 'windows_test');
  await withCollector(config, async (nc, collector) => {
    const minuteClosed = firstValueFrom(collector.window$.pipe(filter((w) => w.granularity === '1m' && w.agent === '*' && w.model_version === '*')));
    const js = nc.jetstream();
    await publishBatches(js, toBatches(events, 20));
    // Bad input: a message that is not JSON, and a batch with one invalid event among valid ones.
    await js.publish('starwatch.v1.events.agent-c', new TextEncoder().encode('{not json'));
    const good = makeEvent({ id: 'c-1', agent: 'agent-c', tsMs: base + 70_000 });
    const bad = { ...makeEvent({ id: 'c-2', agent: 'agent-c', tsMs: base + 70_001 }), ts_ns: 'yesterday' };
    await js.publish('starwatch.v1.events.agent-c', new TextEncoder().encode(JSON.stringify({ v: 1, agent_id: 'agent-c', seq: 0, events: [good, bad] })));

    const live = await minuteClosed;
    assert.equal(live.fields.count, events.length);

    const want = expected(events);
    // influxd 1.x keeps each field of a point apart, so a query that meets the write half-way sees a
    // row with some fields only: wait for the whole point (every expected field), then compare values.
    const series = await waitFor(
      async () => {
        const s = await influxQL(services.influx.url, 'windows_test', `SELECT * FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*'`);
        const first = rows(s)[0];
        return first && Object.keys(want).every((field) => first[field] !== null && first[field] !== undefined) && s;
      },
      { timeoutMs: 15_000, what: 'the whole 1m overall window in InfluxDB' },
    );
    const [row] = rows(series);
    assert.equal(Date.parse(row.time), base);
    for (const [field, value] of Object.entries(want)) {
      if (Number.isInteger(value)) assert.equal(row[field], value, field);
      else assert.ok(Math.abs(row[field] - value) < 1e-6, `${field}: ${row[field]} != ${value}`);
    }

    // Per key and per model version, and the finer windows add up.
    const perKey = rows(await influxQL(services.influx.url, 'windows_test', `SELECT "count", "model_version" FROM "window" WHERE "granularity" = '1m' AND "agent" = 'agent-a'`));
    // agent-a ran one version: its (agent, *) roll-up equals its only key.
    assert.deepEqual(perKey.map((r) => [r.count, r.model_version]), [[100, '*'], [100, 'v4.0.0']]);
    const perModel = rows(await influxQL(services.influx.url, 'windows_test', `SELECT "count" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = 'v4.1.0'`));
    assert.equal(perModel[0].count, 51);
    const [tenSec] = await influxQL(services.influx.url, 'windows_test', `SELECT sum("count") FROM "window" WHERE "granularity" = '10s' AND "agent" = '*' AND "model_version" = '*' AND time < ${base + 60_000}ms`);
    assert.equal(tenSec.values[0][1], events.length);
    const firstSecond = rows(await influxQL(services.influx.url, 'windows_test', `SELECT "count", "rps" FROM "window" WHERE "granularity" = '1s' AND "agent" = 'agent-a' AND time = ${base}ms`));
    assert.deepEqual([firstSecond[0].count, firstSecond[0].rps], [10, 10]);
    const hist = rows(await influxQL(services.influx.url, 'windows_test', `SELECT "count" FROM "window_prob_hist" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' AND "bucket" = '0.9'`));
    assert.equal(hist[0].count, events.filter((e) => e.outputs && e.outputs.stego_prob >= 0.9).length);

    // Every event once in raw (plus c-1, the valid event next to the invalid one).
    await waitFor(async () => (await rawCounts(services.influx.url, 'windows_test')).distinct === events.length + 1, {
      timeoutMs: 10_000,
      what: 'raw points',
    });
    assert.deepEqual(await rawCounts(services.influx.url, 'windows_test'), { total: events.length + 1, distinct: events.length + 1 });

    // Dead letters: one for the message, one for the event, with reason and origin.
    const jsm = await nc.jetstreamManager();
    const dl = await waitFor(async () => {
      const info = await jsm.streams.info(config.nats.deadLetterStream);
      return info.state.messages >= 2 && info;
    }, { what: 'two dead letters' });
    assert.equal(dl.state.messages, 2);
    const letters = await Promise.all([1, 2].map(async (seq) => JSON.parse((await jsm.streams.getMessage(config.nats.deadLetterStream, { seq })).string())));
    const byCode = Object.fromEntries(letters.map((l) => [l.code, l]));
    assert.equal(byCode.not_json.origin.subject, 'starwatch.v1.events.agent-c');
    assert.equal(byCode.bad_event.origin.index, 1);
    assert.match(byCode.bad_event.reason, /ts_ns/);
    assert.equal(DEAD_LETTER_SUBJECT, 'starwatch.v1.deadletter');

    // Everything of the first minute is acked once its windows are written.
    await waitFor(() => collector.stats().acked >= 1, { what: 'acks' });
  });
});

test('line protocol escaping survives a real influxd: tricky tags and strings come back as written', async () => {
  const { BatchingSink } = await import('../../collector/sinks/batching-sink.ts');
  const { InfluxV1Transport, setupInfluxV1 } = await import('../../collector/sinks/influx-v1.ts');
  const options = { url: services.influx.url, database: 'escape_test', policies: { raw: 'raw', windows: 'windows' }, timeoutMs: 5000 };
  await setupInfluxV1(options, { raw: '7d', windows: '400d' });
  const sink = new BatchingSink(new InfluxV1Transport(options), { batchSize: 10, maxInFlight: 1, flushIntervalMs: 1000, maxBackoffMs: 100 });
  const tricky = ['with space', 'comma,here', 'equals=sign', 'back\\slash', 'ends\\'];
  sink.write(tricky.map((tag, i) => ({
    measurement: 'window',
    tags: { agent: tag, granularity: '1s', model_version: 'v"1', replica: '0' },
    fields: { count: BigInt(i), state: `say "hi" \\ ${tag}` },
    timestampNs: `${Date.now() - 60_000 + i}000000`,
  })));
  await sink.flush();
  await sink.close();
  assert.equal(sink.stats.pointsAccepted, tricky.length, JSON.stringify(sink.stats));
  const got = rows(await influxQL(services.influx.url, 'escape_test', 'SELECT "count", "state", "agent", "model_version" FROM "window"'));
  // A tag cannot end with a backslash in line protocol: that one comes back with `_`.
  const stored = (tag: string) => tag.replace(/\\$/, '_');
  assert.deepEqual(got.map((r) => [r.agent, r.model_version, r.state, r.count]), tricky.map((tag, i) => [stored(tag), 'v"1', `say "hi" \\ ${tag}`, i]));
});
