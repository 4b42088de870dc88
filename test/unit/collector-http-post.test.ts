import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postParts } from '../../collector/sinks/http-post.ts';

async function withServer(handler: RequestListener, run: (url: URL) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/write?db=x`));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

const parts = [Buffer.from('a,t=1 v=1 1\n'), Buffer.from('é,t=2 v=2 2\n')];

test('the parts arrive as one body, with its length in bytes', async () => {
  let received = '';
  let length = '';
  await withServer(
    (req, res) => {
      length = req.headers['content-length'] ?? '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (received += c));
      req.on('end', () => res.writeHead(204).end());
    },
    async (url) => assert.deepEqual(await postParts(url, parts, {}, 5000), { status: 204, text: '' }),
  );
  assert.equal(received, 'a,t=1 v=1 1\né,t=2 v=2 2\n');
  assert.equal(Number(length), Buffer.concat(parts).length);
});

test('an error answer comes back with its text', async () => {
  await withServer(
    (req, res) => req.resume().on('end', () => res.writeHead(400).end('{"error":"bad line"}')),
    async (url) => assert.deepEqual(await postParts(url, parts, {}, 5000), { status: 400, text: '{"error":"bad line"}' }),
  );
});

test('an answer cut off mid-way, and no answer at all, are errors', async () => {
  await withServer(
    (req, res) => req.resume().on('end', () => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    }),
    async (url) => await assert.rejects(postParts(url, parts, {}, 5000)),
  );
  await withServer(
    () => undefined,
    async (url) => await assert.rejects(postParts(url, parts, {}, 200), /no answer within 200 ms/),
  );
});
