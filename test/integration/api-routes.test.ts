// Every HTTP API route against a real nats-server (JetStream) and a real influxd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { useServices, waitFor, type Services } from '../harness/services.ts';
import { startApi, type RunningApi } from '../../collector/api/start.ts';
import { ROUTES } from '../../collector/api/routes.ts';
import { FeedClient } from '../../collector/live/feed-client.ts';
import { EVENTS_STREAM, EVENTS_SUBJECT_PREFIX, eventsSubject } from '../../schemas/subjects.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import type { EventBatch, InferenceEvent } from '../../schemas/inference-event.ts';
import { exampleEvent } from '../../schemas/example-event.ts';

// Inside one describe: node 20 runs root-level before hooks concurrently, not in order.
let services: Services;
const TOKEN = 'api-test-token-read-0123';
const WRITE_TOKEN = 'api-test-token-write-0123';
const DB = 'starwatch_api_test';
const MINUTE = 60_000;

let nc: NatsConnection;
let api: RunningApi;
const auth = { authorization: `Bearer ${TOKEN}` };
const writeAuth = { authorization: `Bearer ${WRITE_TOKEN}` };

const event = (overrides: Partial<InferenceEvent> = {}): InferenceEvent =>
  exampleEvent({ event_id: `e-${Math.random().toString(36).slice(2)}`, agent_id: 'http-agent', ...overrides });

async function influx(q: string): Promise<void> {
  const res = await fetch(`${services.influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
  assert.equal(res.status, 200, await res.text());
}

async function write(lines: string[]): Promise<void> {
  const res = await fetch(`${services.influx.url}/write?db=${DB}&precision=ms`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

/** Window points: minute i has count 100*(i+1), so sums and weights are easy to check by hand. */
const minuteStart = Math.floor(Date.now() / MINUTE) * MINUTE;
function windowLine(modelVersion: string, i: number, extra = ''): string {
  const count = 100 * (i + 1);
  const fields = [
    `count=${count}`,
    `errors=${i}`,
    `latency_p50=${2 + i}`,
    `latency_p95=${5 + i}`,
    `latency_p99=${8 + i}`,
    `latency_max=${20 + i}`,
    `stego_rate=${0.1 * (i + 1)}`,
    `fp=${i}`,
    `clean_labelled=50`,
    `rate_alpha=0.05`,
    `det_alpha=${i === 0 ? 1 : 0.5}`,
    `det_alpha_n=10`,
  ].join(',');
  const mv = modelVersion.replace(/([,= ])/g, '\\$1');
  return `${MEASUREMENTS.window},granularity=1m,agent=*,model_version=${mv} ${fields}${extra} ${minuteStart - (i + 1) * MINUTE}`;
}

describe('HTTP API on real NATS and InfluxDB', () => {
  services = useServices({ nats: true, influx: true });

  before(async () => {
    nc = await connect({ servers: services.nats.url });
    await (await nc.jetstreamManager()).streams.add({ name: EVENTS_STREAM, subjects: [`${EVENTS_SUBJECT_PREFIX}.>`] });
    await influx(`CREATE DATABASE ${DB}`);
    await write([0, 1, 2].map((i) => windowLine('*', i)));
    await write([windowLine('2.0.0', 0), windowLine('1.0.0', 5)]);
    // A point older than an hour: in 24h but not in 1h.
    await write([windowLine('*', 120)]);
    const alert = (rule: string, severity: string, state: string, key: string, minutesAgo: number, id: string) =>
      `${MEASUREMENTS.alert},rule=${rule},severity=${severity},state=${state},key=${key} value=9.5,threshold=8,message="${rule} ${state}",alert_id="${id}" ${minuteStart - minutesAgo * MINUTE}`;
    await write([
      alert('latency_p95_high', 'warning', 'firing', 'overall', 10, 'a1'),
      alert('latency_p95_high', 'warning', 'resolved', 'overall', 5, 'a1'),
      alert('error_rate_high', 'critical', 'firing', 'overall', 3, 'a2'),
      alert('stego_rate_shift', 'warning', 'firing', 'v2', 2, 'a3'),
    ]);
    api = await startApi({
      port: 0,
      token: TOKEN,
      writeToken: WRITE_TOKEN,
      nats: nc,
      influx: { url: services.influx.url, db: DB },
      limits: { logBurst: 1000, authFailBurst: 1000 },
    });
  });

  after(async () => {
    await api?.close();
    await nc?.close();
  });

  const get = (path: string, headers: Record<string, string> = auth) => fetch(`${api.url}${path}`, { headers });
  const post = (path: string, body: string, headers: Record<string, string> = writeAuth) =>
    fetch(`${api.url}${path}`, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });

  describe('auth and routing', () => {
    test('every route but /health refuses a missing or wrong token with 401 and a typed error', async () => {
      for (const route of ROUTES.filter((r) => r.auth)) {
        for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
          const res = route.method === 'GET' ? await get(route.path, headers) : await post(route.path, '{}', headers);
          assert.equal(res.status, 401, `${route.method} ${route.path}`);
          assert.equal((await res.json()).error.code, 'unauthorized');
        }
      }
      assert.equal((await get(`/models/versions?token=${TOKEN}`, {})).status, 401, 'a query token is taken on /ws only');
    });

    test('unknown paths are 404, wrong methods 405', async () => {
      assert.equal((await get('/nope')).status, 404);
      const res = await post('/metrics/stats', '{}');
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET');
    });

    test('the WebSocket upgrade on /ws reaches the hub, with the token', async () => {
      const wsUrl = `${api.url.replace('http', 'ws')}/ws`;
      const refused = await FeedClient.connect(wsUrl, { token: 'nope' });
      assert.equal((await refused.closed).code, 4401);
      const c = await FeedClient.connect(wsUrl, { token: TOKEN, record: true, topics: ['alerts'] });
      await waitFor(() => c.ofType('subscribed').length === 1, { what: 'subscribed' });
      api.hub.publish('alerts', { rule: 'x' });
        await waitFor(() => c.ofType('update').length === 1, { what: 'update over the API server' });
      await c.close();
    });
  });

  describe('GET /health', () => {
    test('answers with the read token: status, uptime, dependencies, rates', async () => {
      const res = await get('/health');
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.status, 'ok');
      assert.equal(body.dependencies.nats.ok, true);
      assert.equal(body.dependencies.influxdb.ok, true);
      assert.equal(typeof body.uptime_s, 'number');
      assert.equal(typeof body.rates.requests_per_s, 'number');
      assert.equal(typeof body.live.clients, 'number');
    });

    test('says degraded (503) when InfluxDB does not answer', async () => {
      const broken = await startApi({ port: 0, token: TOKEN, nats: nc, influx: { url: 'http://127.0.0.1:9', db: DB } });
      try {
        const res = await fetch(`${broken.url}/health`, { headers: auth });
        assert.equal(res.status, 503);
        const body = await res.json();
        assert.equal(body.status, 'degraded');
        assert.equal(body.dependencies.influxdb.ok, false);
        assert.equal(body.dependencies.nats.ok, true);
      } finally {
        await broken.close();
      }
    });
  });

  describe('POST /metrics/log', () => {
    test('a valid event is accepted (202) and lands in JetStream as a batch of one; a retry is a duplicate', async () => {
      const e = event();
      const res = await post('/metrics/log', JSON.stringify(e));
      assert.equal(res.status, 202);
      const body = await res.json();
      assert.equal(body.accepted, true);
      assert.equal(body.duplicate, false);
      const jsm = await nc.jetstreamManager();
      const stored = await jsm.streams.getMessage(EVENTS_STREAM, { seq: body.stream_seq });
      assert.equal(stored.subject, eventsSubject('http-agent'));
      const batch = JSONCodec<EventBatch>().decode(stored.data);
      assert.equal(batch.agent_id, 'http-agent');
      assert.deepEqual(batch.events, [e]);
      const again = await (await post('/metrics/log', JSON.stringify(e))).json();
      assert.equal(again.duplicate, true);
    });

    test('bad input: 400 with a code and reasons; too large: 413; nothing published', async () => {
      const jsm = await nc.jetstreamManager();
      const before = (await jsm.streams.info(EVENTS_STREAM)).state.messages;
      const notJson = await post('/metrics/log', '{oops');
      assert.equal(notJson.status, 400);
      assert.equal((await notJson.json()).error.code, 'bad_json');
      const invalid = await post('/metrics/log', JSON.stringify({ ...event(), timings: { decode_ms: -1 } }));
      assert.equal(invalid.status, 400);
      const error = (await invalid.json()).error;
      assert.equal(error.code, 'invalid_event');
      assert.ok(error.reasons.length >= 1 && error.reasons[0].includes('/timings'), error.reasons.join());
      const huge = await post('/metrics/log', JSON.stringify({ ...event(), pad: 'x'.repeat(100_000) }));
      assert.equal(huge.status, 413);
      assert.equal((await jsm.streams.info(EVENTS_STREAM)).state.messages, before);
      // The rate counts full seconds only, so the three refusals show once their second is over.
      const rejected = await waitFor(
        async () => {
          const rate = (await (await get('/health')).json()).rates.log_rejected_per_s as number;
          return rate >= 3 / 60 - 1e-9 ? rate : null;
        },
        { timeoutMs: 15_000, what: 'the three refusals in log_rejected_per_s' },
      );
      assert.ok(rejected < 1, `log_rejected_per_s ${rejected}: a per-minute mean of a few refusals`);
    });

    test('past the token bucket: 429 with Retry-After', async () => {
      const limited = await startApi({
        port: 0,
        token: TOKEN,
        writeToken: WRITE_TOKEN,
        nats: nc,
        influx: { url: services.influx.url, db: DB },
        limits: { logRatePerSec: 0.01, logBurst: 2 },
      });
      try {
        const statuses: number[] = [];
        let retryAfter: string | null = null;
        for (let i = 0; i < 4; i++) {
          const res = await fetch(`${limited.url}/metrics/log`, { method: 'POST', headers: writeAuth, body: JSON.stringify(event()) });
          statuses.push(res.status);
          if (res.status === 429) {
            retryAfter = res.headers.get('retry-after');
            assert.equal((await res.json()).error.code, 'rate_limited');
          } else await res.arrayBuffer();
        }
        assert.deepEqual(statuses, [202, 202, 429, 429]);
        assert.ok(Number(retryAfter) >= 1);
        assert.equal(limited.counters.rejectedByCode.get('rate_limited'), 2);
      } finally {
        await limited.close();
      }
    });
  });

  describe('GET /metrics/stats', () => {
    test('totals and series over the last hour, weighted by count', async () => {
      const res = await get('/metrics/stats?window=1h&granularity=1m');
      assert.equal(res.status, 200);
      const body = await res.json();
      // minutes 0,1,2: counts 100, 200, 300
      const t = body.totals;
      assert.equal(t.count, 600);
      assert.equal(t.errors, 0 + 1 + 2);
      assert.equal(t.error_rate, 3 / 600);
      assert.equal(t.rps, 600 / 3600);
      assert.ok(Math.abs(t.latency_ms.p95 - (5 * 100 + 6 * 200 + 7 * 300) / 600) < 1e-9);
      assert.equal(t.latency_ms.max, 22);
      assert.ok(Math.abs(t.stego_rate - (0.1 * 100 + 0.2 * 200 + 0.3 * 300) / 600) < 1e-9);
      assert.equal(t.false_positive_rate, 3 / 150);
      assert.ok(Math.abs(t.detection_rate_by_method.alpha - (1 + 0.5 + 0.5) / 3) < 1e-9);
      assert.equal(t.detection_rate_by_method.exif, null);
      assert.equal(body.series.length, 3);
      assert.deepEqual(
        body.series.map((s: { count: number }) => s.count),
        [300, 200, 100],
      );
      assert.ok(Date.parse(body.series[0].time) < Date.parse(body.series[2].time));
    });

    test('wider windows and coarser granularity fold more minutes; model_version filters', async () => {
      const day = await (await get('/metrics/stats?window=24h&granularity=1h')).json();
      assert.equal(day.totals.count, 600 + 12100);
      assert.ok(day.series.length >= 2 && day.series.length <= 3);
      const v2 = await (await get('/metrics/stats?window=1h&model_version=2.0.0')).json();
      assert.equal(v2.model_version, '2.0.0');
      assert.equal(v2.totals.count, 100);
      const none = await (await get('/metrics/stats?model_version=9.9.9')).json();
      assert.equal(none.totals.count, 0);
      assert.equal(none.totals.latency_ms.p50, null);
      assert.deepEqual(none.series, []);
    });

    test('bad parameters are 400 with the offending value', async () => {
      for (const q of ['window=2h', 'granularity=10s']) {
        const res = await get(`/metrics/stats?${q}`);
        assert.equal(res.status, 400);
        const error = (await res.json()).error;
        assert.equal(error.code, 'bad_query');
        assert.deepEqual(error.reasons, [q]);
      }
    });
  });

  describe('GET /alerts/recent', () => {
    test('newest first, limited, filtered by severity', async () => {
      const all = (await (await get('/alerts/recent')).json()).alerts;
      assert.deepEqual(
        all.map((a: { rule: string; state: string }) => `${a.rule}:${a.state}`),
        ['stego_rate_shift:firing', 'error_rate_high:firing', 'latency_p95_high:resolved', 'latency_p95_high:firing'],
      );
      assert.equal(all[0].alert_id, 'a3');
      assert.equal(all[0].value, 9.5);
      const two = (await (await get('/alerts/recent?limit=2')).json()).alerts;
      assert.equal(two.length, 2);
      const critical = (await (await get('/alerts/recent?severity=critical')).json()).alerts;
      assert.deepEqual(
        critical.map((a: { alert_id: string }) => a.alert_id),
        ['a2'],
      );
    });

    test('active_only keeps alerts whose latest state is not resolved', async () => {
      const active = (await (await get('/alerts/recent?active_only=true')).json()).alerts;
      assert.deepEqual(
        active.map((a: { alert_id: string }) => a.alert_id),
        ['a3', 'a2'],
      );
      const bad = await get('/alerts/recent?limit=0');
      assert.equal(bad.status, 400);
    });
  });

  describe('GET /models/versions and /openapi.json', () => {
    test('lists the versions seen, newest first, with 7-day event counts', async () => {
      const { versions } = await (await get('/models/versions')).json();
      assert.deepEqual(versions.map((v: { model_version: string }) => v.model_version), ['2.0.0', '1.0.0']);
      assert.equal(versions[0].events_7d, 100);
      assert.equal(versions[1].events_7d, 600);
      assert.equal(versions[0].last_seen, new Date(minuteStart - MINUTE).toISOString());
    });

    test('the OpenAPI document describes exactly the routes served', async () => {
      const doc = await (await get('/openapi.json')).json();
      assert.equal(doc.openapi, '3.0.3');
      const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`),
      );
      const served = ROUTES.map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(new Set(described), new Set(served));
      for (const r of ROUTES) {
        const op = doc.paths[r.path][r.method.toLowerCase()];
        assert.ok(op.responses['200'] || op.responses['202'], `${r.path} documents its success`);
        assert.equal(op.security?.length === 0, !r.auth, `${r.path} security matches its auth`);
        if (r.auth) assert.ok(op.responses['401'], `${r.path} documents 401`);
      }
      assert.deepEqual(doc.components.schemas.InferenceEvent.properties.v.enum, [1], 'OpenAPI 3.0 has no const: @fastify/swagger writes it as a one-value enum');
    });
  });
});
