// The scan server against a real nats-server: every request (good or refused) arrives in the
// stream exactly once as a valid event with the right fields; typed 4xx errors; metrics;
// heartbeats on core NATS; shutdown flushes the queue.
import { byLevel } from '../../log/logger.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'nats';
import { useServices, waitFor } from '../harness/services.ts';
import { heartbeatSubject } from '../../schemas/subjects.ts';
import { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { validator } from '../../schemas/validate.ts';
import { firstMessage, makeImages, postScan, readStoredEvents, startTestAgent } from './agent-stream.ts';

const services = useServices({ nats: true });

test('every request arrives once in the stream as an event with the right fields', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'server-a', maxBytes: 64 * 1024 });
  try {
    const images = await makeImages(9);
    const expected = new Map<string, { status: number; bytes: number; code?: string; label?: string }>();
    for (const [i, image] of images.entries()) {
      const query = i === 0 ? '?label=stego&method=lsb.rgb&bit_order=msb-first' : '';
      const r = await postScan(agent.url, image, { query });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.headers.get('x-starwatch-event-id'), r.json.event_id);
      expected.set(String(r.json.event_id), { status: 200, bytes: image.length, label: i === 0 ? 'stego' : undefined });
    }
    const truncated = images[0].subarray(0, 200);
    const bad = await postScan(agent.url, truncated);
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.json.error as object).sort(), ['code', 'message']);
    assert.equal((bad.json.error as { code: string }).code, 'TRUNCATED_IMAGE');
    expected.set(String(bad.json.event_id), { status: 400, bytes: truncated.length, code: 'TRUNCATED_IMAGE' });

    const labelled = await postScan(agent.url, images[1], { headers: { 'x-starwatch-label': 'clean' } });
    assert.equal(labelled.status, 200);
    expected.set(String(labelled.json.event_id), { status: 200, bytes: images[1].length, label: 'clean' });

    const stored = await waitFor(
      async () => {
        const s = await readStoredEvents(services.nats.url);
        return s.events.length >= expected.size ? s : null;
      },
      { what: 'all events in the stream' },
    );
    assert.equal(stored.events.length, expected.size);
    for (const [id, want] of expected) assert.equal(stored.countById.get(id), 1, `event ${id} stored once`);
    for (const e of stored.events) {
      const want = expected.get(e.event_id)!;
      assert.equal(e.agent_id, 'server-a');
      assert.equal(e.source, 'scan');
      assert.equal(e.model.sha256, agent.agent.model.sha256);
      assert.equal(e.input.bytes, want.bytes);
      assert.equal(e.label?.category, want.label);
      if (want.status === 200) {
        assert.ok(e.outputs && e.outputs.stego_prob >= 0 && e.outputs.stego_prob <= 1);
        assert.ok(e.input.width > 0 && e.timings.total_ms > 0);
        assert.equal(e.error_code, null);
      } else {
        assert.equal(e.outputs, null);
        assert.equal(e.error_code, want.code);
      }
    }
    const labelledEvent = stored.events.find((e) => e.label?.category === 'stego');
    assert.deepEqual(labelledEvent?.label, { category: 'stego', method: 'lsb.rgb', bit_order: 'msb-first' });
    // ns timestamps unique and increasing in the order the agent saw the requests.
    const stamps = stored.events.map((e) => BigInt(e.ts_ns)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.equal(new Set(stamps).size, stamps.length);
  } finally {
    await agent.close();
  }
});

test('size limit gives 413 (declared and chunked), bad label 400, JSON 415; each is an event', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'server-b', maxBytes: 4096 });
  try {
    const big = new Uint8Array(10_000);
    const declared = await postScan(agent.url, big);
    assert.equal(declared.status, 413);
    assert.equal((declared.json.error as { code: string }).code, 'TOO_MANY_BYTES');

    // A chunked upload has no Content-Length: the limit is enforced while reading.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${agent.url}/v1/scan`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write(Buffer.alloc(2000, 1));
      req.end();
    });
    assert.equal(chunked.status, 413);
    assert.equal(JSON.parse(chunked.body).error.code, 'TOO_MANY_BYTES');

    const badLabel = await postScan(agent.url, new Uint8Array(10), { query: '?label=maybe' });
    assert.equal(badLabel.status, 400);
    assert.equal((badLabel.json.error as { code: string }).code, 'BAD_LABEL');

    const json = await postScan(agent.url, new Uint8Array(10), { headers: { 'content-type': 'application/json' } });
    assert.equal(json.status, 415);
    assert.equal((json.json.error as { code: string }).code, 'UNSUPPORTED_MEDIA_TYPE');

    const notImage = await postScan(agent.url, new TextEncoder().encode('definitely not an image'));
    assert.equal(notImage.status, 415);
    assert.equal((notImage.json.error as { code: string }).code, 'UNSUPPORTED_FORMAT');

    const empty = await postScan(agent.url, new Uint8Array(0));
    assert.equal(empty.status, 400);
    assert.equal((empty.json.error as { code: string }).code, 'EMPTY_INPUT');

    const wrongMethod = await fetch(`${agent.url}/v1/scan`);
    assert.equal(wrongMethod.status, 405);

    // The server is still up and counted all of it.
    await waitFor(async () => (await fetch(`${agent.url}/healthz`)).ok);
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    assert.match(metrics, /starwatch_agent_errors_total\{code="TOO_MANY_BYTES"\} 2/);
    assert.match(metrics, /starwatch_agent_errors_total\{code="BAD_LABEL"\} 1/);
    assert.match(metrics, /starwatch_agent_scans_total\{outcome="error",source="scan"\} 6/);
    const ready = await fetch(`${agent.url}/readyz`);
    assert.equal(ready.status, 200);

    const stored = await waitFor(async () => {
      const s = await readStoredEvents(services.nats.url);
      return s.events.filter((e) => e.agent_id === 'server-b').length >= 6 ? s : null;
    });
    const codes = stored.events.filter((e) => e.agent_id === 'server-b').map((e) => e.error_code).sort();
    assert.deepEqual(codes, ['BAD_LABEL', 'EMPTY_INPUT', 'TOO_MANY_BYTES', 'TOO_MANY_BYTES', 'UNSUPPORTED_FORMAT', 'UNSUPPORTED_MEDIA_TYPE']);
  } finally {
    await agent.close();
  }
});

test('heartbeats go out on core NATS and match the contract', async () => {
  const nc = await connect({ servers: services.nats.url });
  let agent: Awaited<ReturnType<typeof startTestAgent>> | undefined;
  try {
    const sub = nc.subscribe(heartbeatSubject('server-hb'), { max: 1 });
    agent = await startTestAgent(services.nats.url, { agentId: 'server-hb', heartbeatMs: 50 });
    const beat = JSON.parse(new TextDecoder().decode((await firstMessage(sub, 15_000)).data));
    const checked = validator(AgentHeartbeat)(beat);
    assert.ok(checked.ok, checked.ok ? '' : checked.reason);
    assert.equal(checked.value.agent_id, 'server-hb');
    assert.equal(checked.value.model_loaded, true);
    assert.equal(checked.value.nats_connected, true);
  } finally {
    await agent?.close();
    await nc.close();
  }
});

test('shutdown flushes what is queued', async () => {
  // A batch that never fills and a timer that never fires: only close() sends these. Events
  // posted before the publisher's first connection would be sent by the pump that follows it,
  // so the posts wait for its "connected" line (logged in the same tick as that pump).
  const lines: string[] = [];
  const logger = byLevel((_, m) => lines.push(m));
  const agent = await startTestAgent(services.nats.url, { agentId: 'server-flush', batchSize: 1000, batchMs: 600_000, logger });
  let closed = false;
  try {
    await waitFor(() => lines.includes('connected to NATS'), { timeoutMs: 30_000, what: 'the publisher connected' });
    const images = await makeImages(4);
    const ids: string[] = [];
    for (const image of images) ids.push(String((await postScan(agent.url, image)).json.event_id));
    assert.equal(agent.agent.stats().queueDepth, 4, 'nothing may be sent before close()');
    await agent.close();
    closed = true;
    const stats = agent.agent.stats();
    assert.deepEqual({ sent: stats.sent, dropped: stats.dropped }, { sent: 4, dropped: 0 });
    const stored = await readStoredEvents(services.nats.url);
    for (const id of ids) assert.equal(stored.countById.get(id), 1, `event ${id} stored once`);
  } finally {
    if (!closed) await agent.close();
  }
});

test('a client that goes away mid-upload is counted, and the server stays up', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'server-abort' });
  try {
    // Expect: 100-continue makes the server answer once it has the request: then we vanish.
    const req = request(`${agent.url}/v1/scan`, { method: 'POST', headers: { 'content-length': '100000', expect: '100-continue' } });
    req.on('error', () => undefined);
    await new Promise((resolve) => req.once('continue', resolve));
    await new Promise((resolve) => req.write(Buffer.alloc(1000), resolve));
    req.destroy();
    await waitFor(async () => /errors_total\{code="CLIENT_ABORTED"\} 1/.test(await (await fetch(`${agent.url}/metrics`)).text()), {
      what: 'the aborted upload counted',
    });
    assert.equal((await fetch(`${agent.url}/healthz`)).status, 200);
  } finally {
    await agent.close();
  }
});
