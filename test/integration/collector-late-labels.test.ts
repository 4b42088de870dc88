// Late labels on real NATS and InfluxDB: events stored unlabelled in a minute 15 minutes ago
// (their time, no real waiting), labels posted "now" to POST /labels; the stored 1-minute window
// then holds exactly the FPR the labels make, again after the same labels come twice (idempotent),
// and a label that changes its mind wins over the earlier one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, quietLog, rows } from './collector-setup.ts';
import { startCollector } from '../../collector/start.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'late_labels';
const TOKEN = 'late-labels-token-0123456789abc';
const WRITE_TOKEN = 'late-labels-write-9876543210xyz';

async function minuteWindow(start: number): Promise<Record<string, any> | undefined> {
  const series = await influxQL(services.influx.url, DB, `SELECT "count", "fp", "clean_labelled", "fpr", "det_alpha_n", "det_alpha_hits" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' AND time = ${start}ms`);
  return rows(series)[0];
}

async function post(api: string, body: unknown, token = WRITE_TOKEN): Promise<{ status: number; json: any }> {
  const res = await fetch(`${api}/labels`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

test('labels 10+ minutes after their events make the stored 1-minute FPR exactly right, idempotently', async () => {
  const config = collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'late-labels' });
  config.api.token = TOKEN;
  config.api.writeToken = WRITE_TOKEN;
  config.api.port = 0;
  const collector = await startCollector(config, quietLog);
  const nc = await natsConnect(services.nats.url);
  try {
    const api = collector.apiUrl as string;
    const minute = Math.floor((Date.now() - 15 * 60_000) / 60_000) * 60_000;
    // 10 events in that minute: 3 flagged stego (prob 0.9), 7 not; one already labelled clean.
    const events = Array.from({ length: 10 }, (_, i) =>
      makeEvent({ id: `late-${i}`, agent: 'agent-l', tsMs: minute + 1000 + i * 1000, prob: i < 3 ? 0.9 : 0.1, ...(i === 9 ? { label: { category: 'clean' as const } } : {}) }),
    );
    // A later event closes the minute.
    events.push(makeEvent({ id: 'late-closer', agent: 'agent-l', tsMs: minute + 125_000 }));
    await publishBatches(nc.jetstream(), toBatches(events, 20));
    const before = await waitFor(async () => ((await minuteWindow(minute))?.count === 10 ? minuteWindow(minute) : null), { what: 'the minute window', timeoutMs: 60_000 });
    assert.equal(before?.clean_labelled, 1, 'only the one labelled event counts before the late labels');

    // Nine late labels: the three flagged ones and six others are clean; one event is stego alpha.
    const labels = [
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ event_id: `late-${i}`, truth: 'clean', source: 'review' })),
      { event_id: 'late-8', truth: 'stego', method: 'alpha', source: 'review' },
      { event_id: 'never-sent', truth: 'clean', source: 'review' },
    ];
    const first = await post(api, labels);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.applied, 9);
    assert.deepEqual(first.json.unknown, ['never-sent']);
    assert.ok(first.json.delay_s_max >= 15 * 60 - 1, `delay ${first.json.delay_s_max}`);
    const exact = (w: Record<string, any> | undefined) => w && w.fp === 3 && w.clean_labelled === 9;
    const after = await waitFor(async () => { const w = await minuteWindow(minute); return exact(w) ? w : null; }, { what: 'the rewritten minute' });
    // late-8 is alpha stego the model missed (prob 0.1): labelled 1, detected 0.
    assert.deepEqual({ ...after, time: undefined }, { time: undefined, count: 10, fp: 3, clean_labelled: 9, fpr: 3 / 9, det_alpha_n: 1, det_alpha_hits: 0 });

    // The same labels again: nothing moves.
    const again = await post(api, labels);
    assert.equal(again.json.applied, 9);
    await new Promise((r) => setImmediate(r));
    await waitFor(async () => (await influxQL(services.influx.url, DB, `SELECT count("event_id") FROM "late_label"`))[0]?.values[0][1] === 9 || null, { what: 'the stored labels' });
    assert.equal((await minuteWindow(minute))?.fpr, 3 / 9);

    // A label that changes its mind: late-0 was stego after all (alpha). 2 fp of 8 clean.
    const changed = await post(api, { event_id: 'late-0', truth: 'stego', method: 'alpha', source: 'review' });
    assert.equal(changed.json.applied, 1);
    const last = await waitFor(async () => { const w = await minuteWindow(minute); return w?.clean_labelled === 8 ? w : null; }, { what: 'the relabelled minute' });
    assert.equal(last?.fpr, 2 / 8);

    // Bad input is a typed 400; the read token may not label.
    const bad = await post(api, [{ event_id: 'late-1', truth: 'maybe', source: 'review' }]);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.code ?? bad.json.code, 'invalid_labels');
    assert.equal((await post(api, labels, TOKEN)).status, 403);
  } finally {
    await nc.close();
    await collector.stop();
  }
});
