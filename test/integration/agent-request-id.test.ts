// X-Request-Id through the agent on a real nats-server (issue 13, labels by request id): the
// scan server and the proxy put it in every event of the request (the shadow's too), the proxy
// forwards it upstream, and an id that is too long or not plain is refused as BAD_REQUEST_ID
// before any work, with its event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServices, waitFor } from '../harness/services.ts';
import { assertAll } from '../harness/assert-all.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { REQUEST_ID_MAX } from '../../schemas/event-fields.ts';
import { makeImages, postScan, readStoredEvents, startTestAgent } from './agent-stream.ts';

const services = useServices({ nats: true });
const CANDIDATE = 'models/v4-reference-int8.onnx';
let upstream: Server;
let upstreamUrl = '';
const idsSeenUpstream: (string | undefined)[] = [];

before(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      idsSeenUpstream.push(req.headers['x-request-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ stego_probability: 0.2, is_stego: false }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => upstream.close(() => r())));

async function eventsOf(agentId: string, n: number): Promise<InferenceEvent[]> {
  return waitFor(async () => {
    const events = (await readStoredEvents(services.nats.url)).events.filter((e) => e.agent_id === agentId);
    return events.length >= n ? events : null;
  }, { what: `${n} events of ${agentId}` });
}

test('model mode with a shadow: both events of a request carry its X-Request-Id; a bad id is refused', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'reqid-model', rollout: { candidateModel: CANDIDATE, shadowShare: 1, random: () => 0 } });
  try {
    const [image] = await makeImages(1);
    const ok = await postScan(agent.url, image, { headers: { 'x-request-id': 'req-7f3c:01' } });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    const plain = await postScan(agent.url, image);
    assert.equal(plain.status, 200);
    const long = await postScan(agent.url, image, { headers: { 'x-request-id': 'a'.repeat(REQUEST_ID_MAX + 1) } });
    assert.equal(long.status, 400);
    assert.equal((long.json.error as { code: string }).code, 'BAD_REQUEST_ID');
    const odd = await postScan(agent.url, image, { headers: { 'x-request-id': 'a"b' } });
    assert.equal((odd.json.error as { code: string }).code, 'BAD_REQUEST_ID');

    // Two requests scanned twice (primary and shadow), two refused: six events.
    const events = await eventsOf('reqid-model', 6);
    const named = events.filter((e) => e.request_id === 'req-7f3c:01');
    assert.deepEqual(named.map((e) => e.rollout?.role).sort(), ['primary', 'shadow']);
    assert.equal(named[0].rollout?.pair_id, named[1].rollout?.pair_id);
    const refused = events.filter((e) => e.error_code === 'BAD_REQUEST_ID');
    assert.equal(refused.length, 2);
    assertAll(refused, (e) => e.request_id === undefined, 'a refused id is not stored');
    assert.equal(events.filter((e) => e.request_id === undefined && e.error_code === null).length, 2, 'no id sent, none made up');
    assert.match(await (await fetch(`${agent.url}/metrics`)).text(), /starwatch_agent_errors_total\{code="BAD_REQUEST_ID"\} 2/);
  } finally {
    await agent.close();
  }
});

test('proxy mode with a shadow upstream: the id goes to both upstreams and into both events', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'reqid-proxy', proxy: upstreamUrl, rollout: { candidateUpstream: upstreamUrl, candidateVersion: 'cand-1', shadowShare: 1, random: () => 0 } });
  try {
    idsSeenUpstream.length = 0;
    const r = await postScan(agent.url, new Uint8Array([1, 2, 3]), { headers: { 'x-request-id': 'proxy-req-1' } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const events = await eventsOf('reqid-proxy', 2);
    assert.deepEqual(events.map((e) => [e.rollout?.role, e.request_id]).sort(), [['primary', 'proxy-req-1'], ['shadow', 'proxy-req-1']]);
    assert.deepEqual(idsSeenUpstream, ['proxy-req-1', 'proxy-req-1'], 'forwarded to the primary and the shadow upstream');
    const bad = await postScan(agent.url, new Uint8Array([1]), { headers: { 'x-request-id': 'x'.repeat(REQUEST_ID_MAX + 1) } });
    assert.equal(bad.status, 400);
    assert.equal(idsSeenUpstream.length, 2, 'a refused request never reaches the upstream');
  } finally {
    await agent.close();
  }
});
