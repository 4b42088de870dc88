// Late labels on real NATS and InfluxDB: events stored unlabelled in a minute 15 minutes ago
// (their time, no real waiting), labels posted "now" to POST /labels; the stored 1-minute window
// then holds exactly the FPR the labels make, again after the same labels come twice (idempotent),
// and a label that changes its mind wins over the earlier one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, readWhole, rows, withCollector } from './collector-setup.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'late_labels';
const TOKEN = 'late-labels-token-0123456789abc';
const WRITE_TOKEN = 'late-labels-write-9876543210xyz';

/** A collector of these tests: its own database and durable, the API on a free port with both tokens. */
function labelsConfig(db: string, options: Parameters<typeof collectorConfig>[3]) {
  const config = collectorConfig(services.nats.url, services.influx.url, db, options);
  config.api.token = TOKEN;
  config.api.writeToken = WRITE_TOKEN;
  config.api.port = 0;
  return config;
}

async function minuteWindow(start: number): Promise<Record<string, any> | undefined> {
  const series = await influxQL(services.influx.url, DB, `SELECT "count", "fp", "clean_labelled", "fpr", "det_alpha_n", "det_alpha_hits" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' AND time = ${start}ms`);
  return rows(series)[0];
}

async function post(api: string, body: unknown, token = WRITE_TOKEN): Promise<{ status: number; json: any }> {
  const res = await fetch(`${api}/labels`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

test('labels 10+ minutes after their events make the stored 1-minute FPR exactly right, idempotently', async () => {
  const config = labelsConfig(DB, { durable: 'late-labels' });
  await withCollector(config, async (nc, collector) => {
    const api = collector.apiUrl as string;
    const minute = Math.floor((Date.now() - 15 * 60_000) / 60_000) * 60_000;
    // 10 events in that minute: 3 flagged stego (prob 0.9), 7 not; one already labelled clean.
    const events = Array.from({ length: 10 }, (_, i) =>
      makeEvent({ id: `late-${i}`, agent: 'agent-l', tsMs: minute + 1000 + i * 1000, prob: i < 3 ? 0.9 : 0.1, ...(i === 9 ? { label: { category: 'clean' as const } } : {}) }),
    );
    // A later event closes the minute.
    events.push(makeEvent({ id: 'late-closer', agent: 'agent-l', tsMs: minute + 125_000 }));
    await publishBatches(nc.jetstream(), toBatches(events, 20));
    // Only the one labelled event counts before the late labels (a wrong figure fails on the deadline).
    await readWhole(() => minuteWindow(minute), { count: 10, clean_labelled: 1 }, 'the minute window, one event labelled', 60_000);

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
    // late-8 is alpha stego the model missed (prob 0.1): labelled 1, detected 0.
    const expected = { time: undefined, count: 10, fp: 3, clean_labelled: 9, fpr: 3 / 9, det_alpha_n: 1, det_alpha_hits: 0 };
    const after = await readWhole(() => minuteWindow(minute), expected, 'the rewritten minute');
    assert.deepEqual({ ...after, time: undefined }, expected);

    // The same labels again: nothing moves.
    const again = await post(api, labels);
    assert.equal(again.json.applied, 9);
    await new Promise((r) => setImmediate(r));
    await waitFor(async () => (await influxQL(services.influx.url, DB, `SELECT count("event_id") FROM "late_label"`))[0]?.values[0][1] === 9 || null, { what: 'the stored labels' });
    assert.equal((await minuteWindow(minute))?.fpr, 3 / 9);

    // A label that changes its mind: late-0 was stego after all (alpha). 2 fp of 8 clean.
    const changed = await post(api, { event_id: 'late-0', truth: 'stego', method: 'alpha', source: 'review' });
    assert.equal(changed.json.applied, 1);
    await readWhole(() => minuteWindow(minute), { clean_labelled: 8, fp: 2, fpr: 2 / 8 }, 'the relabelled minute, 2 fp of 8 clean');

    // Bad input is a typed 400; the read token may not label.
    const bad = await post(api, [{ event_id: 'late-1', truth: 'maybe', source: 'review' }]);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.code ?? bad.json.code, 'invalid_labels');
    assert.equal((await post(api, labels, TOKEN)).status, 403);
  });
});

const BY_REQUEST_DB = 'late_labels_by_request';

async function windowAt(granularity: string, start: number, modelVersion = '*'): Promise<Record<string, any> | undefined> {
  const series = await influxQL(services.influx.url, BY_REQUEST_DB, `SELECT "count", "fp", "clean_labelled", "fpr", "stego_labelled", "tp", "det_lsb_rgb_n", "det_lsb_rgb_hits" FROM "window" WHERE "granularity" = '${granularity}' AND "agent" = '*' AND "model_version" = '${modelVersion}' AND time = ${start}ms`);
  const row = rows(series)[0];
  if (row) delete row.time;
  return row;
}

test('labels by request_id 12 minutes late make the stored 1-minute, 10-second and 1-second figures exactly right', async () => {
  const config = labelsConfig(BY_REQUEST_DB, { durable: 'late-labels-by-request' });
  await withCollector(config, async (nc, collector) => {
    const api = collector.apiUrl as string;
    const minute = Math.floor((Date.now() - 12 * 60_000) / 60_000) * 60_000;
    // Eight requests a second apart (each in its own 1 s window, all in the first 10 s): the first
    // two flagged stego by the model. Request req-0 was also scored by a shadow candidate (its
    // own event, same request id, not flagged): one label by request id labels both.
    const at = (i: number) => minute + 2000 + i * 1000;
    // Their own model versions: the stream (and so this collector) also holds the other tests' events.
    const events = [
      ...Array.from({ length: 8 }, (_, i) => ({ ...makeEvent({ id: `byreq-${i}`, agent: 'agent-r', modelVersion: 'v4.2.0', tsMs: at(i), prob: i < 2 ? 0.9 : 0.1 }), request_id: `req-${i}` })),
      { ...makeEvent({ id: 'byreq-0-shadow', agent: 'agent-r', modelVersion: 'v4.2.1', tsMs: at(0) + 500, prob: 0.1 }), request_id: 'req-0' },
      makeEvent({ id: 'byreq-closer', agent: 'agent-r', tsMs: minute + 125_000 }),
    ];
    await publishBatches(nc.jetstream(), toBatches(events, 20));
    await waitFor(async () => ((await windowAt('1m', minute))?.count === 9 || null), { what: 'the minute window', timeoutMs: 60_000 });
    assert.deepEqual(await windowAt('1s', at(0)), { count: 2, fp: null, clean_labelled: null, fpr: null, stego_labelled: null, tp: null, det_lsb_rgb_n: null, det_lsb_rgb_hits: null }, 'nothing labelled before');

    const labels = [
      ...[0, 1, 2, 3, 4, 5].map((i) => ({ request_id: `req-${i}`, truth: 'clean', source: 'customer' })),
      { request_id: 'req-6', truth: 'stego', method: 'lsb.rgb', source: 'customer' },
      { event_id: 'byreq-7', truth: 'clean', source: 'review' },
      { request_id: 'req-missing', truth: 'clean', source: 'customer' },
    ];
    const first = await post(api, labels);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.applied, 8);
    assert.deepEqual(first.json.unknown, ['req-missing']);
    // The minute starts 12 to 13 min before the test, its first request 2 s into it.
    assert.ok(first.json.delay_s_max >= 12 * 60 - 2, `delay ${first.json.delay_s_max}`);

    // Clean: req-0 (both events), req-1..5, byreq-7 = 8; false positives: byreq-0 and byreq-1.
    const expected = { count: 9, fp: 2, clean_labelled: 8, fpr: 2 / 8, stego_labelled: 1, tp: 0, det_lsb_rgb_n: 1, det_lsb_rgb_hits: 0 };
    const minuteAfter = await readWhole(() => windowAt('1m', minute), expected, 'the rewritten minute');
    assert.deepEqual(minuteAfter, expected);
    // The other windows of the same write are read once whole too.
    await readWhole(() => windowAt('1m', minute, 'v4.2.0'), { fpr: 2 / 7 }, 'the primary model: 2 of its 7 clean');
    await readWhole(() => windowAt('1m', minute, 'v4.2.1'), { fpr: 0 }, 'the shadow candidate: its one clean not flagged');
    assert.deepEqual(await readWhole(() => windowAt('10s', minute), expected, 'the 10 s window'), expected, 'the 10 s window holds all nine');
    // 1 s windows: req-0's (primary flagged, shadow not), req-1's, req-6's (stego, missed).
    const second0 = { count: 2, fp: 1, clean_labelled: 2, fpr: 0.5, stego_labelled: null, tp: null, det_lsb_rgb_n: null, det_lsb_rgb_hits: null };
    assert.deepEqual(await readWhole(() => windowAt('1s', at(0)), second0, 'req-0'), second0);
    await readWhole(() => windowAt('1s', at(1)), { fpr: 1 }, 'req-1');
    await readWhole(() => windowAt('1s', at(2)), { fpr: 0 }, 'req-2');
    const second6 = { count: 1, fp: null, clean_labelled: null, fpr: null, stego_labelled: 1, tp: 0, det_lsb_rgb_n: 1, det_lsb_rgb_hits: 0 };
    assert.deepEqual(await readWhole(() => windowAt('1s', at(6)), second6, 'req-6'), second6);

    // One label per event stored: nine events labelled (req-0 has two).
    await waitFor(async () => (await influxQL(services.influx.url, BY_REQUEST_DB, `SELECT count("event_id") FROM "late_label"`))[0]?.values[0][1] === 9 || null, { what: 'the stored labels' });

    // Coverage and delay through the API: 9 of the minute's 9 scored requests labelled, the
    // delays about 12 minutes, per source (customer: 8 events, review: 1).
    const summary: any = await (await fetch(`${api}/labels/summary?since=1h&model_version=v4.2.0`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    assert.deepEqual(summary.coverage, { scored: 8, labelled_clean: 7, labelled_stego: 1, share: 1 }, JSON.stringify(summary));
    assert.deepEqual(summary.late_labels.map((s: any) => [s.source, s.labels]), [['customer', 8], ['review', 1]]);
    // The minute starts 12-13 min before the test and its events 2-9 s into it: delays of 12 min less 10 s up to 13 min.
    for (const s of summary.late_labels) assert.ok(s.delay_s.max >= 12 * 60 - 10 && s.delay_s.max < 14 * 60, JSON.stringify(s));
    const bad = await fetch(`${api}/labels/summary?since=forever`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(bad.status, 400);
    // A label naming both ids, or neither, is refused.
    assert.equal((await post(api, { event_id: 'byreq-1', request_id: 'req-1', truth: 'clean', source: 'review' })).status, 400);
    assert.equal((await post(api, { truth: 'clean', source: 'review' })).status, 400);
    assert.equal((await post(api, { request_id: 'req 1', truth: 'clean', source: 'review' })).status, 400, 'a request id the agent would refuse');
  });
});

const EARLY_DB = 'late_labels_early';

test('a label that comes before its minute is written survives the live write of the minute (applied again once settled)', async () => {
  // The minute stays open until told (a long idle grace); labels are settled 15 s after they came.
  const config = labelsConfig(EARLY_DB, { durable: 'late-labels-early', idleGraceMs: 120_000 });
  config.labels.settleMs = 15_000;
  await withCollector(config, async (nc, collector) => {
    const api = collector.apiUrl as string;
    const minute = Math.floor((Date.now() - 3000) / 60_000) * 60_000;
    const window = async () => rows(await influxQL(services.influx.url, EARLY_DB, `SELECT "count", "fp", "clean_labelled", "fpr" FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" = '*' AND time = ${minute}ms`))[0];
    // Ten events of this minute: three flagged; one labelled clean by its request already, so the
    // live write of the minute has labelled fields of its own (1 clean, 0 false positives).
    const events = Array.from({ length: 10 }, (_, i) => makeEvent({ id: `early-${i}`, agent: 'agent-e', tsMs: minute + i * 100, prob: i < 3 ? 0.9 : 0.1, ...(i === 9 ? { label: { category: 'clean' as const } } : {}) }));
    await publishBatches(nc.jetstream(), toBatches(events, 20));
    await waitFor(async () => (await influxQL(services.influx.url, EARLY_DB, `SELECT count("event_id") FROM "raw"."inference" WHERE "agent" = 'agent-e'`))[0]?.values[0][1] === 10 || null, { what: 'the raw events' });
    assert.equal((await window())?.count, undefined, 'the minute is still open');

    const labelled = await post(api, Array.from({ length: 9 }, (_, i) => ({ event_id: `early-${i}`, truth: 'clean', source: 'review' })));
    assert.equal(labelled.json.applied, 9, JSON.stringify(labelled.json));
    // The minute closes now and is written whole, with the labels it saw live: 1 clean, FPR 0.
    // (From another agent: a batch is deduplicated by agent and seq, and this one would be seq 0 again.)
    await publishBatches(nc.jetstream(), toBatches([makeEvent({ id: 'early-closer', agent: 'agent-e-closer', tsMs: minute + 65_000 })], 20));
    const settled = await readWhole(window, { count: 10, fp: 3, clean_labelled: 10, fpr: 3 / 10 }, 'the settled minute', 60_000);
    assert.deepEqual({ ...settled, time: undefined }, { time: undefined, count: 10, fp: 3, clean_labelled: 10, fpr: 3 / 10 });
  });
});

const ROLLOUT_DB = 'late_labels_rollout';

async function rolloutWindow(start: number): Promise<Record<string, any> | undefined> {
  const fields = ['p_n', 'p_clean_labelled', 'p_fp', 'p_fpr', 'p_det_alpha_n', 'p_det_alpha_hits', 'c_n', 'c_clean_labelled', 'c_fp', 'c_fpr', 'pairs'];
  const series = await influxQL(services.influx.url, ROLLOUT_DB, `SELECT ${fields.map((f) => `"${f}"`).join(', ')} FROM "rollout" WHERE "agent" = 'agent-ro' AND time = ${start}ms`);
  const row = rows(series)[0];
  if (row) delete row.time;
  return row;
}

test('late labels make the stored rollout comparison (each side of a shadow rollout) exactly right, as the gate reads it', async () => {
  await withCollector(labelsConfig(ROLLOUT_DB, { durable: 'late-labels-rollout' }), async (nc, collector) => {
    const api = collector.apiUrl as string;
    const minute = Math.floor((Date.now() - 11 * 60_000) / 60_000) * 60_000;
    // Ten requests served by the primary v5.0.0 (the first two flagged); four of them shadowed by
    // the candidate v5.1.0, which flags only the first.
    const primary = Array.from({ length: 10 }, (_, i) => ({
      ...makeEvent({ id: `ro-${i}`, agent: 'agent-ro', modelVersion: 'v5.0.0', tsMs: minute + 2000 + i * 1000, prob: i < 2 ? 0.9 : 0.1 }),
      request_id: `ro-req-${i}`,
      rollout: i < 4 ? { role: 'primary' as const, pair_id: `ro-pair-${i}` } : { role: 'primary' as const },
    }));
    const shadows = Array.from({ length: 4 }, (_, i) => ({
      ...makeEvent({ id: `ro-${i}-shadow`, agent: 'agent-ro', modelVersion: 'v5.1.0', tsMs: minute + 2500 + i * 1000, prob: i < 1 ? 0.9 : 0.1 }),
      request_id: `ro-req-${i}`,
      rollout: { role: 'shadow' as const, pair_id: `ro-pair-${i}` },
    }));
    const closer = makeEvent({ id: 'ro-closer', agent: 'agent-ro', modelVersion: 'v5.0.0', tsMs: minute + 125_000 });
    await publishBatches(nc.jetstream(), toBatches([...primary, ...shadows, closer], 20));
    const live = await readWhole(() => rolloutWindow(minute), { p_n: 10, c_n: 4, pairs: 4 }, 'the live rollout window', 60_000);
    assert.equal(live.p_clean_labelled, null, 'nothing labelled live');

    // Requests 0-3 clean (a label by request id labels the primary's and the shadow's event),
    // 4-8 clean by event id, 9 alpha stego that the primary missed.
    const labels = [
      ...[0, 1, 2, 3].map((i) => ({ request_id: `ro-req-${i}`, truth: 'clean', source: 'review' })),
      ...[4, 5, 6, 7, 8].map((i) => ({ event_id: `ro-${i}`, truth: 'clean', source: 'review' })),
      { event_id: 'ro-9', truth: 'stego', method: 'alpha', source: 'review' },
    ];
    const posted = await post(api, labels);
    assert.equal(posted.json.applied, 10, JSON.stringify(posted.json));
    const expected = { p_n: 10, p_clean_labelled: 9, p_fp: 2, p_fpr: 2 / 9, p_det_alpha_n: 1, p_det_alpha_hits: 0, c_n: 4, c_clean_labelled: 4, c_fp: 1, c_fpr: 1 / 4, pairs: 4 };
    let last: unknown;
    await waitFor(async () => ((last = await rolloutWindow(minute)) as any)?.c_clean_labelled === 4 || null, { what: 'the rewritten rollout window' }).catch((e) => {
      throw new Error(`${e.message}; last seen ${JSON.stringify(last)}`);
    });
    assert.deepEqual(await rolloutWindow(minute), expected);

    // What the gate and GET /rollout/compare judge from: the same counts.
    const compare: any = await (await fetch(`${api}/rollout/compare?baseline=v5.0.0&candidate=v5.1.0&since=1h`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    assert.deepEqual([compare.baseline_side?.fpr?.rate, compare.candidate_side?.fpr?.rate, compare.baseline_side?.detection?.alpha?.rate], [2 / 9, 1 / 4, 0], JSON.stringify(compare));

    // Again: the same numbers (idempotent).
    assert.equal((await post(api, labels)).json.applied, 10);
    assert.deepEqual(await rolloutWindow(minute), expected);
  });
});
