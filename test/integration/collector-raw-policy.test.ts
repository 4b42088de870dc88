// Raw storage as a policy, on real nats-server and influxd: with a raw share below 1, every
// positive, failed, labelled and probe event is still a raw point, clean negatives are kept at
// the share (the same ones on every run: by event id), and the windows count every event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepRaw, mustKeepRaw } from '../../collector/sinks/raw-policy.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, minuteTotal, withCollector } from './collector-setup.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'raw_policy';
const SHARE = 0.25;
const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000;

/** A tenth failed, a tenth positive, a tenth labelled clean, a tenth probes; the rest clean negatives. */
function mixedEvents(): InferenceEvent[] {
  return Array.from({ length: 400 }, (_, i) => {
    const kind = i % 10;
    const e = makeEvent({
      id: `r-${i}`,
      agent: 'agent-r',
      tsMs: base + i * 100,
      prob: kind === 1 ? 0.9 : 0.2,
      error: kind === 0 ? 'decode_failed' : undefined,
      label: kind === 2 ? { category: 'clean' } : undefined,
    });
    return kind === 3 ? { ...e, source: 'probe' } : e;
  }).concat(makeEvent({ id: 'r-last', agent: 'agent-r', tsMs: base + 59_999, nsPart: 1, prob: 0.9 }));
}

test('raw points: every positive, error, labelled and probe event, clean negatives at the share; windows exact', async () => {
  const events = mixedEvents();
  const expected = new Set(events.filter((e) => keepRaw(e, SHARE)).map((e) => e.event_id));
  const keptNegatives = events.filter((e) => !mustKeepRaw(e) && expected.has(e.event_id)).length;
  const negatives = events.filter((e) => !mustKeepRaw(e)).length;
  // The fixture itself must exercise the share: some clean negatives kept, not all.
  assert.ok(keptNegatives > 0 && keptNegatives < negatives, `${keptNegatives} of ${negatives} negatives kept`);

  const config = collectorConfig(services.nats.url, services.influx.url, DB);
  config.nats.durable = 'raw-policy';
  config.rawShare = SHARE;
  await withCollector(config, async (nc, collector) => {
    await publishBatches(nc.jetstream(), toBatches(events, 25));
    await waitFor(async () => (await minuteTotal(services.influx.url, DB)) === events.length, { timeoutMs: 30_000, what: 'the minute window of every event' });
    const stored = await waitFor(async () => {
      const [s] = await influxQL(services.influx.url, DB, 'SELECT "event_id", "source" FROM "raw"."inference"');
      const ids: string[] = (s?.values ?? []).map((v: unknown[]) => String(v[1]));
      return ids.length >= expected.size && ids;
    }, { what: 'the raw points' });
    assert.deepEqual([...stored].sort(), [...expected].sort());
    for (const kind of ['r-0', 'r-1', 'r-2', 'r-3']) assert.ok(stored.includes(kind), `${kind} (must keep) stored`);

    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    assert.equal(Number(metrics.match(/^starwatch_collector_raw_sampled_out_total (\S+)$/m)?.[1]), events.length - expected.size);
  });
});

test('a drained stream has its raw points written at once, not at the next flush interval', async () => {
  // Nothing else would send them: the interval is ten minutes, and no window closes (nor releases
  // an ack, which flushes) during the test. The consumer is new, so it also takes the first test's
  // events, still in the stream: this test counts its own agent's.
  const config = collectorConfig(services.nats.url, services.influx.url, 'raw_drained', { allowedLatenessMs: 600_000, idleGraceMs: 600_000 });
  config.nats.durable = 'raw-drained';
  config.influx.flushIntervalMs = 600_000;
  const now = Date.now();
  const events = Array.from({ length: 30 }, (_, i) => makeEvent({ id: `d-${i}`, agent: 'agent-d', tsMs: now + i, prob: 0.9 }));
  await withCollector(config, async (nc) => {
    await publishBatches(nc.jetstream(), toBatches(events, 10));
    const stored = await waitFor(async () => {
      const [s] = await influxQL(services.influx.url, 'raw_drained', `SELECT count("stego_prob") FROM "raw"."inference" WHERE "agent" = 'agent-d'`);
      return s?.values?.[0]?.[1] === events.length && s.values[0][1];
    }, { timeoutMs: 20_000, what: 'the raw points of the drained stream' });
    assert.equal(stored, events.length);
  });
});
