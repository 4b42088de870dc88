// close() while NATS is away: what was never sent must be counted as dropped, so that "every
// event enqueued is either in the stream or counted in dropped" holds at shutdown too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { EventPublisher } from '../../agent/publish/publisher.ts';
import { fullEvent } from '../fixtures/collector-events.ts';

/** A loopback port with nothing listening on it: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const event = (i: number) => ({ ...structuredClone(fullEvent), event_id: `ev-${i}` });

test('close() with NATS away counts every unsent event as dropped, and events after it too', async () => {
  const publisher = new EventPublisher({ agentId: fullEvent.agent_id, nats: { servers: [`nats://127.0.0.1:${await closedPort()}`] }, batchMs: 5 });
  try {
    publisher.start();
    for (let i = 0; i < 5; i++) publisher.enqueue(event(i));
    assert.equal(publisher.snapshot().queueDepth, 5);
    await publisher.close(100);
    const stats = publisher.snapshot();
    assert.deepEqual({ sent: stats.sent, dropped: stats.dropped, queueDepth: stats.queueDepth }, { sent: 0, dropped: 5, queueDepth: 0 });
    publisher.enqueue(event(5));
    assert.equal(publisher.snapshot().dropped, 6, 'an event after close() is dropped and counted');
  } finally {
    await publisher.close(0);
  }
});

test('close() of a full queue counts both the overflow and the unsent rest', async () => {
  const publisher = new EventPublisher({ agentId: fullEvent.agent_id, nats: { servers: [`nats://127.0.0.1:${await closedPort()}`] }, queueSize: 3 });
  try {
    for (let i = 0; i < 5; i++) publisher.enqueue(event(i));
    assert.equal(publisher.snapshot().dropped, 2, 'two oldest dropped by the bound');
    await publisher.close(50);
    assert.equal(publisher.snapshot().dropped, 5);
  } finally {
    await publisher.close(0);
  }
});
