// Proxy mode against a real HTTP inference service started here (node:http): the client gets
// the upstream's answer unchanged, the stream gets the event, upstream failures are typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServices, waitFor } from '../harness/services.ts';
import { parseFieldOverrides } from '../../agent/proxy/verdict-fields.ts';
import { postScan, readStoredEvents, startTestAgent } from './agent-stream.ts';

const services = useServices({ nats: true });
let upstream: Server;
let upstreamUrl = '';
const seenByUpstream: { path: string; bytes: number; type: string | undefined }[] = [];

/** A stand-in inference service: the verdict depends on the first byte; 0xEE makes it fail. */
before(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seenByUpstream.push({ path: req.url ?? '', bytes: body.length, type: req.headers['content-type'] });
      if (body[0] === 0xee) {
        res.writeHead(503, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
        res.end('overloaded');
        return;
      }
      const p = body[0] / 255;
      const text = JSON.stringify({ stego_probability: p, is_stego: p > 0.5, method: 'palette', bit_order: 'msb-first', nested: { p: 1 - p }, model_version: 'py-7' });
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => upstream.close(() => r())));

test('proxy returns the upstream answer unchanged and emits the event', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'proxy-a', proxy: upstreamUrl });
  try {
    const stego = await fetch(`${agent.url}/v1/scan?x=1`, { method: 'POST', body: new Uint8Array([230, 1, 2, 3]), headers: { 'content-type': 'image/png' } });
    const text = await stego.text();
    assert.equal(stego.status, 200);
    assert.equal(stego.headers.get('x-upstream'), 'yes');
    assert.deepEqual(JSON.parse(text).nested, { p: 1 - 230 / 255 });
    assert.deepEqual(seenByUpstream.at(-1), { path: '/v1/scan?x=1', bytes: 4, type: 'image/png' });

    const failed = await fetch(`${agent.url}/v1/scan`, { method: 'POST', body: new Uint8Array([0xee, 0]) });
    assert.equal(failed.status, 503);
    assert.equal(await failed.text(), 'overloaded');

    const stored = await waitFor(async () => {
      const s = await readStoredEvents(services.nats.url);
      return s.events.length >= 2 ? s : null;
    });
    const ok = stored.events.find((e) => e.event_id === stego.headers.get('x-starwatch-event-id'));
    assert.equal(ok?.source, 'proxy');
    assert.equal(ok?.model.version, 'py-7');
    assert.deepEqual(ok?.outputs, { stego_prob: 0.901961 /* 230 / 255, kept to the millionth */, is_stego: true, method: 'palette', method_prob: null, bit_order: 'msb-first' });
    assert.equal(ok?.input.bytes, 4);
    assert.ok((ok?.timings.total_ms ?? 0) > 0);
    const bad = stored.events.find((e) => e.event_id === failed.headers.get('x-starwatch-event-id'));
    assert.equal(bad?.error_code, 'UPSTREAM_503');
    assert.equal(bad?.outputs, null);
  } finally {
    await agent.close();
  }
});

test('proxy reads configured field names, and types an unreachable upstream', async () => {
  const fields = parseFieldOverrides('stegoProb=nested.p,isStego=none');
  const agent = await startTestAgent(services.nats.url, { agentId: 'proxy-b', proxy: upstreamUrl, proxyFields: fields });
  const dead = await startTestAgent(services.nats.url, { agentId: 'proxy-dead', proxy: 'http://127.0.0.1:1' });
  try {
    const r = await postScan(agent.url, new Uint8Array([51]));
    assert.equal(r.status, 200);
    const gone = await postScan(dead.url, new Uint8Array([1]));
    assert.equal(gone.status, 502);
    assert.equal((gone.json.error as { code: string }).code, 'UPSTREAM_UNREACHABLE');

    const stored = await waitFor(async () => {
      const s = await readStoredEvents(services.nats.url);
      return s.events.some((e) => e.agent_id === 'proxy-dead') && s.events.some((e) => e.agent_id === 'proxy-b') ? s : null;
    });
    const read = stored.events.find((e) => e.agent_id === 'proxy-b');
    assert.equal(read?.outputs?.stego_prob, 0.8 /* 1 - 51 / 255, kept to the millionth */);
    assert.equal(read?.outputs?.is_stego, true, 'no is_stego field: the threshold decides');
    const unreachable = stored.events.find((e) => e.agent_id === 'proxy-dead');
    assert.equal(unreachable?.error_code, 'UPSTREAM_UNREACHABLE');
  } finally {
    await agent.close();
    await dead.close();
  }
});
