// The edges of the API that moved onto Fastify (issue 12): the page's files and their headers, the
// typed 400s of query checks and JSON bodies, and the 404/405/302 answers. No NATS or InfluxDB is
// needed for these, so the server runs on stand-ins that no route here reaches.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiServer, type ApiServer } from '../../collector/api/server.ts';
import { DEFAULT_API_LIMITS, type ApiDeps } from '../../collector/api/deps.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const READ = 'edges-test-token-read-0123';
const WRITE = 'edges-test-token-write-0123';

describe('API edges on Fastify', () => {
  let api: ApiServer;
  let url = '';
  before(async () => {
    const deps: ApiDeps = { token: READ, writeToken: WRITE, nats: {} as ApiDeps['nats'], influx: {} as ApiDeps['influx'], alerts: { recent: async () => [] }, limits: DEFAULT_API_LIMITS };
    api = createApiServer(deps);
    url = await api.listen(0);
  });
  after(() => api?.close());

  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${READ}` }) => fetch(`${url}${path}`, { headers, redirect: 'manual' });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; reasons?: string[] } }).error;

  test('the page and uPlot are served without a token, revalidated and not sniffed; the rest of uPlot is not', async () => {
    for (const [path, type] of [['/live/', /text\/html/], ['/live/live.js', /javascript/], ['/live/live.css', /text\/css/], ['/live/vendor/uPlot.iife.min.js', /javascript/]] as const) {
      const res = await get(path, {});
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      await res.arrayBuffer();
    }
    const other = await get('/live/vendor/uPlot.esm.js', {});
    assert.equal(other.status, 404);
    assert.equal((await errorOf(other)).code, 'not_found');
    for (const path of ['/', '/live']) {
      const res = await get(path, {});
      assert.equal(res.status, 302, path);
      assert.equal(res.headers.get('location'), '/live/');
    }
  });

  test('query checks come from the schemas: each refusal is bad_query naming the value', async () => {
    const cases: Array<[string, string]> = [
      ['/alerts/recent?limit=0', 'limit=0'],
      ['/alerts/recent?limit=abc', 'limit=abc'],
      ['/alerts/recent?active_only=yes', 'active_only=yes'],
      ['/alerts/recent?severity=Warn1', 'severity=Warn1'],
      [`/metrics/rates?model_version=${'v'.repeat(65)}`, `model_version=${'v'.repeat(65)}`],
      ['/metrics/windows?minutes=61', 'minutes=61'],
    ];
    for (const [path, reason] of cases) {
      const res = await get(path);
      assert.equal(res.status, 400, path);
      const error = await errorOf(res);
      assert.equal(error.code, 'bad_query', path);
      assert.deepEqual(error.reasons, [reason], path);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const enumRefusal = await errorOf(await get('/metrics/windows?granularity=1h'));
    assert.equal(enumRefusal.message, 'granularity must be one of 10s, 1m');
  });

  test('an empty value is the default and the first of repeated values counts, as with URLSearchParams', async () => {
    const res = await get('/alerts/recent?limit=&active_only=1&active_only=nonsense');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { alerts: [] });
  });

  test('bodies: not JSON is bad_json whatever the content type; a wrong shape names its path', async () => {
    const post = (body: string, type?: string) => fetch(`${url}/metrics/log`, { method: 'POST', body, headers: { authorization: `Bearer ${WRITE}`, ...(type ? { 'content-type': type } : {}) } });
    for (const type of [undefined, 'application/json', 'text/plain']) {
      const res = await post('{oops', type);
      assert.equal(res.status, 400, String(type));
      assert.equal((await errorOf(res)).code, 'bad_json', String(type));
    }
    const shape = await errorOf(await post(JSON.stringify({ v: 2 }), 'application/json'));
    assert.equal(shape.code, 'invalid_event');
    assert.equal(shape.reasons?.length, 1);
    // JSON can carry Infinity (1e999): the contracts' validator refuses it, as it did before Fastify.
    const event = makeEvent({ id: 'e-1', agent: 'http-agent', tsMs: Date.now(), totalMs: 3.6, prob: 0.9 });
    const infinite = await errorOf(await post(JSON.stringify(event).replace('"total_ms":3.6', '"total_ms":1e999'), 'application/json'));
    assert.deepEqual([infinite.code, infinite.reasons], ['invalid_event', ['/timings/total_ms must be number']]);
  });

  test('the OpenAPI document has each checked query parameter, and none required that has a default', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { paths: Record<string, { get?: { parameters?: Array<{ name: string; required: boolean; schema: { enum?: string[] } }> } }> };
    const params = doc.paths['/metrics/stats'].get?.parameters ?? [];
    assert.deepEqual(params.map((p) => p.name), ['window', 'granularity', 'model_version']);
    assert.deepEqual(params.map((p) => p.required), [false, false, false]);
    assert.deepEqual(params[0].schema.enum, ['1h', '6h', '24h', '7d']);
  });
});
