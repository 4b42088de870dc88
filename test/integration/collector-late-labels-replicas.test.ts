// Late labels in replica mode (cluster.enabled) on real NATS and InfluxDB: two collectors share
// the events, their partial windows are merged (replica=cluster), and labels by request id posted
// 11 minutes after the events rewrite the merged windows (1 min, 10 s, 1 s) exactly, whichever
// replica took the labels, leaving no per-replica window behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, quietLog, readWhole, rows } from './collector-setup.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'late_labels_replicas';
const TOKEN = 'replica-labels-token-0123456789a';
const WRITE_TOKEN = 'replica-labels-write-9876543210z';

async function merged(granularity: string, start: number): Promise<Record<string, any> | undefined> {
  const series = await influxQL(services.influx.url, DB, `SELECT "count", "fp", "clean_labelled", "fpr", "stego_labelled", "tp" FROM "window" WHERE "granularity" = '${granularity}' AND "agent" = '*' AND "model_version" = '*' AND "replica" = 'cluster' AND time = ${start}ms`);
  const row = rows(series)[0];
  if (row) delete row.time;
  return row;
}

test('in replica mode, labels by request id 11 minutes late make the merged windows exactly right', async (t) => {
  const collectors: CollectorHandle[] = [];
  const nc = await natsConnect(services.nats.url);
  try {
    for (const replica of ['0', '1']) {
      const config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'late-labels-replicas', replica });
      config.cluster = { ...config.cluster, enabled: true, leaseTtlMs: 3000, heartbeatMs: 250, liveTimeoutMs: 5000 };
      // One message a pull, so the two replicas take turns rather than one taking them all.
      config.nats.fetchBatch = 1;
      config.api.token = TOKEN;
      config.api.writeToken = WRITE_TOKEN;
      config.api.port = 0;
      collectors.push(await startCollector(config, quietLog));
    }
    const minute = Math.floor((Date.now() - 11 * 60_000) / 60_000) * 60_000;
    // Twelve requests from two agents, one message each, so both replicas get some: a second
    // apart, the first three flagged stego by the model.
    const at = (i: number) => minute + 1000 + i * 1000;
    const events: InferenceEvent[] = Array.from({ length: 12 }, (_, i) => ({ ...makeEvent({ id: `rep-${i}`, agent: `agent-${i % 2}`, tsMs: at(i), prob: i < 3 ? 0.9 : 0.1 }), request_id: `rreq-${i}` }));
    events.push(makeEvent({ id: 'rep-closer-0', agent: 'agent-0', tsMs: minute + 125_000 }), makeEvent({ id: 'rep-closer-1', agent: 'agent-1', tsMs: minute + 125_000 }));
    await publishBatches(nc.jetstream(), toBatches(events, 1));
    await waitFor(async () => ((await merged('1m', minute))?.count === 12 || null), { what: 'the merged minute', timeoutMs: 90_000 });
    // A label finds its event among the stored raw events. Each replica writes its own through its
    // sink, apart from the merged windows, so the minute can be merged before a replica's raw
    // events are stored: a label then would be answered unknown. Labels come after their events.
    await waitFor(async () => (await influxQL(services.influx.url, DB, `SELECT count("event_id") FROM "raw"."inference" WHERE "request_id" =~ /^rreq-/`))[0]?.values[0][1] === 12 || null, { what: 'the raw events of both replicas' });
    // Which replica took which messages is JetStream's choice: said, not asserted.
    t.diagnostic(`events per replica: ${collectors.map((c) => c.stats().validEvents).join(', ')}`);

    // Ten clean (three of them flagged: false positives), one stego the model missed, one unlabelled.
    const labels = [
      ...Array.from({ length: 10 }, (_, i) => ({ request_id: `rreq-${i}`, truth: 'clean', source: 'review' })),
      { request_id: 'rreq-10', truth: 'stego', method: 'alpha', source: 'review' },
    ];
    const res = await fetch(`${collectors[1].apiUrl}/labels`, { method: 'POST', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(labels) });
    const reply: any = await res.json();
    assert.equal(res.status, 200, JSON.stringify(reply));
    assert.equal(reply.applied, 11);
    assert.deepEqual(reply.unknown, []);
    assert.ok(reply.delay_s_max >= 11 * 60 - 1, `delay ${reply.delay_s_max}`);

    // Each window is read once it is whole (collector-setup.ts): a wrong figure fails on the deadline.
    const rewritten = async (granularity: string, start: number, expected: Record<string, unknown>, what: string) =>
      assert.deepEqual(await readWhole(() => merged(granularity, start), expected, what), expected, what);
    await rewritten('1m', minute, { count: 12, fp: 3, clean_labelled: 10, fpr: 3 / 10, stego_labelled: 1, tp: 0 }, 'the rewritten merged minute');
    await rewritten('10s', minute, { count: 9, fp: 3, clean_labelled: 9, fpr: 3 / 9, stego_labelled: null, tp: null }, 'events at 1..9 s');
    await rewritten('1s', at(0), { count: 1, fp: 1, clean_labelled: 1, fpr: 1, stego_labelled: null, tp: null }, 'the first second');
    await rewritten('1s', at(10), { count: 1, fp: null, clean_labelled: null, fpr: null, stego_labelled: 1, tp: 0 }, 'the second of the missed stego');
    // Replica mode writes no partial windows; the labels wrote none either.
    const partial = await influxQL(services.influx.url, DB, `SELECT count("clean_labelled") FROM "window" WHERE "replica" != 'cluster'`);
    assert.deepEqual(partial, [], 'no window of a single replica');
  } finally {
    await nc.close();
    for (const c of collectors.reverse()) await c.stop();
  }
});
