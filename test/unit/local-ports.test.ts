// freePort: the ports the local services and the test harness start on. A port handed out twice
// in one process starts two services on it (or a cluster node on another node's route port).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort } from '../../deploy/local/ports.ts';

test('freePort never hands out the same port twice in a process, taken one by one or all at once', async () => {
  const oneByOne: number[] = [];
  for (let i = 0; i < 100; i++) oneByOne.push(await freePort());
  const atOnce = await Promise.all(Array.from({ length: 100 }, () => freePort()));
  const all = [...oneByOne, ...atOnce];
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.every((p) => Number.isInteger(p) && p > 0 && p < 65_536), 'TCP ports');
});

test('a port from freePort can be listened on', async () => {
  const port = await freePort();
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    assert.equal((server.address() as { port: number }).port, port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
