// Issue 19, agent items 1 and 2: the proxy only ever talks to its configured origin, answers
// upstream failures with a typed 502 that names no host or errno, and reads upstream answers
// (and their gzip/deflate/br content) under caps. Every refusal still emits its event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServices, waitFor } from '../harness/services.ts';
import { compressionBomb } from '../../bench/hostile/images.ts';
import { readStoredEvents, startTestAgent } from '../integration/agent-stream.ts';

const services = useServices({ nats: true });

/** A server on loopback; `hits` counts every request it got. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port, hits: () => hits };
}

const VERDICT = JSON.stringify({ stego_probability: 0.1, is_stego: false });
let upstream: Awaited<ReturnType<typeof serve>>;
let foreign: Awaited<ReturnType<typeof serve>>;
const bombs = new Map<string, Buffer>();


before(async () => {
  for (const encoding of ['gzip', 'deflate', 'br'] as const) bombs.set(encoding, await compressionBomb(encoding, 256));
  upstream = await serve((req, res) => {
    const kind = req.headers['x-test'];
    if (typeof kind === 'string' && bombs.has(kind)) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': kind });
      res.end(bombs.get(kind));
    } else if (kind === 'big') {
      // 2 MiB, chunked: no content-length to refuse up front, so the cap works while reading.
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
      res.end(VERDICT);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(VERDICT);
    }
  });
  foreign = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ stego_probability: 0.9, secret: 'from the foreign host' }));
  });
});
after(async () => {
  await Promise.all([upstream, foreign].map((s) => new Promise<void>((r) => s?.server.close(() => r()))));
});

/** A raw request with the request target exactly as given (fetch would normalise it). */
function rawPost(agentUrl: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; eventId: string | undefined }> {
  const { hostname, port } = new URL(agentUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: 'POST', path: target, headers: { 'content-type': 'image/png', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), eventId: res.headers['x-starwatch-event-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  });
}

async function storedCodes(agentId: string, count: number): Promise<Map<string, string | null>> {
  const stored = await waitFor(
    async () => {
      const s = await readStoredEvents(services.nats.url);
      const mine = s.events.filter((e) => e.agent_id === agentId);
      return mine.length >= count ? mine : null;
    },
    { timeoutMs: 20_000, what: `${count} events of ${agentId}` },
  );
  return new Map(stored.map((e) => [e.event_id, e.error_code]));
}

test('SSRF: only an origin-form /v1/scan target is forwarded, always to the configured origin', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'ssrf', proxy: upstream.url });
  try {
    const hostile = [
      `http://127.0.0.1:${foreign.port}/v1/scan`,
      `//127.0.0.1:${foreign.port}/v1/scan`,
      `file:///v1/scan`,
      `http://127.0.0.1:${foreign.port}/v1/scan?label=clean`,
    ];
    const answers = [];
    for (const target of hostile) answers.push(await rawPost(agent.url, target, { authorization: 'Bearer secret-of-the-client' }));
    assert.equal(foreign.hits(), 0, 'the foreign server got nothing');
    for (const a of answers) {
      assert.equal(a.status, 400, a.text);
      assert.equal(JSON.parse(a.text).error.code, 'BAD_TARGET');
      assert.ok(a.eventId, 'a refusal names its event');
    }
    const good = await rawPost(agent.url, '/v1/scan?x=1');
    assert.equal(good.status, 200);
    assert.equal(good.text, VERDICT);

    const codes = await storedCodes('ssrf', hostile.length + 1);
    for (const a of answers) assert.equal(codes.get(a.eventId!), 'BAD_TARGET');
    assert.equal(codes.get(good.eventId!), null);
  } finally {
    await agent.close();
  }
});

test('an upstream that does not answer is a typed 502 that names no host, port or errno', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'refused', proxy: 'http://127.0.0.1:1' });
  try {
    const a = await rawPost(agent.url, '/v1/scan');
    assert.equal(a.status, 502);
    const body = JSON.parse(a.text);
    assert.equal(body.error.code, 'UPSTREAM_UNREACHABLE');
    assert.doesNotMatch(a.text, /ECONNREFUSED|127\.0\.0\.1|:1\b|at .*\.ts/);
    const codes = await storedCodes('refused', 1);
    assert.equal(codes.get(a.eventId!), 'UPSTREAM_UNREACHABLE');
  } finally {
    await agent.close();
  }
});

test('a proxy whose upstream is not http(s) does not start', async () => {
  await assert.rejects(startTestAgent(services.nats.url, { agentId: 'file', proxy: 'file:///etc/passwd' }), /only http and https/);
});

test('bombs: gzip, deflate and br answers of 256 MiB stop at the decoded cap, typed, with their event', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'bomb', proxy: upstream.url, proxyMaxDecodedBytes: 1024 * 1024 });
  try {
    const rssBefore = process.memoryUsage().rss;
    const answers = [];
    for (const encoding of ['gzip', 'deflate', 'br']) answers.push(await rawPost(agent.url, '/v1/scan', { 'x-test': encoding }));
    const big = await rawPost(agent.url, '/v1/scan', { 'x-test': 'big' });
    const grewMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    for (const a of [...answers, big]) {
      assert.equal(a.status, 502, a.text);
      assert.equal(JSON.parse(a.text).error.code, 'UPSTREAM_TOO_LARGE');
    }
    // Inflating any one bomb would take 256 MiB; capped, the three cost a few MiB.
    assert.ok(grewMb < 128, `RSS grew by ${grewMb.toFixed(0)} MiB`);
    const codes = await storedCodes('bomb', 4);
    for (const a of [...answers, big]) assert.equal(codes.get(a.eventId!), 'UPSTREAM_TOO_LARGE');
  } finally {
    await agent.close();
  }
});

test('the answer cap: an answer just under it passes unchanged', async () => {
  const agent = await startTestAgent(services.nats.url, { agentId: 'cap', proxy: upstream.url, proxyMaxAnswerBytes: VERDICT.length });
  try {
    const a = await rawPost(agent.url, '/v1/scan');
    assert.equal(a.status, 200);
    assert.equal(a.text, VERDICT);
  } finally {
    await agent.close();
  }
});
