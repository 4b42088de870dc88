// The live feed over real WebSockets: protocol, snapshots, wildcards, auth, limits, slow and dead peers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../harness/services.ts';
import { LiveHub, type LiveHubOptions } from '../../collector/live/hub.ts';
import { FeedClient } from '../../collector/live/feed-client.ts';
import { tokenAuthorizer } from '../../collector/api/token.ts';
import { CLOSE, TOPICS } from '../../schemas/live.ts';

const TOKEN = 'test-token-123';

interface Running {
  hub: LiveHub;
  url: string;
  server: Server;
}

async function startHub(options: Partial<LiveHubOptions> = {}): Promise<Running> {
  const hub = new LiveHub({ authorize: tokenAuthorizer(TOKEN, true), ...options });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { hub, server, url: `ws://127.0.0.1:${port}/ws` };
}

async function stopHub({ hub, server }: Running): Promise<void> {
  await hub.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

const open: FeedClient[] = [];
async function client(url: string, options: Parameters<typeof FeedClient.connect>[1] = {}): Promise<FeedClient> {
  const c = await FeedClient.connect(url, { token: TOKEN, record: true, ...options });
  open.push(c);
  return c;
}
after(async () => {
  await Promise.all(open.map((c) => c.close()));
});

const overall10s = TOPICS.windows('10s', '*', '*');
const v2agentA = TOPICS.windows('10s', '2.0.1', 'agent-a');

describe('protocol', () => {
  let running: Running;
  before(async () => (running = await startHub()));
  after(() => stopHub(running));

  test('hello lists retained topics; subscribe gets a snapshot of matching ones, then updates', async () => {
    const { hub, url } = running;
    hub.publish(overall10s, { n: 1 });
    hub.publish(v2agentA, { n: 2 });
    hub.publish(TOPICS.alerts, { rule: 'r' });
    const c = await client(url);
    const hello = c.ofType('hello')[0];
    assert.deepEqual(new Set(hello.topics), new Set([overall10s, v2agentA, 'alerts']));

    c.subscribe(['windows.10s.*.*'], 'req-1');
    await waitFor(() => c.ofType('snapshot').length === 2, { what: 'two snapshots' });
    const ack = c.ofType('subscribed')[0];
    assert.equal(ack.id, 'req-1');
    assert.deepEqual(ack.topics, ['windows.10s.*.*']);
    const snaps = new Map(c.ofType('snapshot').map((m) => [m.topic, m.data]));
    assert.deepEqual(snaps.get(overall10s), { n: 1 });
    assert.deepEqual(snaps.get(v2agentA), { n: 2 });
    assert.ok(!c.ofType('snapshot').some((m) => m.topic === 'alerts'), 'alerts not subscribed');

    hub.publish(overall10s, { n: 3 });
    hub.publish(TOPICS.alerts, { rule: 'not for this client' });
    await waitFor(() => c.ofType('update').length === 1, { what: 'one update' });
    assert.deepEqual(c.ofType('update')[0], { ...c.ofType('update')[0], v: 1, topic: overall10s, data: { n: 3 } });
  });

  test('model versions with dots are one encoded segment; `>` matches the rest', async () => {
    const { hub, url } = running;
    assert.equal(v2agentA, 'windows.10s.2%2E0%2E1.agent-a');
    assert.equal(overall10s, 'windows.10s.%2A.%2A');
    const c = await client(url, { topics: ['windows.*.2%2E0%2E1.*', 'events.>'] });
    await waitFor(() => c.ofType('snapshot').length === 1, { what: 'snapshot of the 2.0.1 topic' });
    hub.publish(TOPICS.windows('1s', '2.0.1', 'agent-b'), { ok: 1 });
    hub.publish(TOPICS.windows('1s', '2.0.2', 'agent-b'), { ok: 0 });
    hub.publish(TOPICS.eventsSample, { ok: 2 });
    hub.publish('events', { ok: 0 }); // `>` needs at least one more segment
    await waitFor(() => c.ofType('update').length >= 2, { what: 'two updates' });
    hub.publish(TOPICS.alerts, { marker: true });
    c.subscribe(['alerts']);
    await waitFor(() => c.ofType('snapshot').some((m) => m.topic === 'alerts'), { what: 'alerts snapshot' });
    assert.deepEqual(
      c.ofType('update').map((m) => m.data),
      [{ ok: 1 }, { ok: 2 }],
    );
  });

  test('unsubscribe stops updates; re-subscribing to a covered topic sends no second snapshot', async () => {
    const { hub, url } = running;
    const c = await client(url, { topics: ['alerts', 'anomalies'] });
    await waitFor(() => c.ofType('subscribed').length === 1, { what: 'ack' });
    c.subscribe(['>']); // covers alerts too, whose snapshot was already sent
    await waitFor(() => c.ofType('subscribed').length === 2, { what: 'second ack' });
    const alertsSnapshots = () => c.ofType('snapshot').filter((m) => m.topic === 'alerts').length;
    c.unsubscribe(['>', 'alerts'], 'u1');
    await waitFor(() => c.ofType('unsubscribed').length === 1, { what: 'unsubscribe ack' });
    assert.deepEqual(c.ofType('unsubscribed')[0].topics, ['anomalies']);
    hub.publish(TOPICS.alerts, { after: 'unsubscribe' });
    hub.publish(TOPICS.anomalies, { series: 'latency_p95' });
    await waitFor(() => c.ofType('update').length === 1, { what: 'anomaly update' });
    assert.equal(c.ofType('update')[0].topic, 'anomalies');
    assert.equal(alertsSnapshots(), 1);
  });

  test('bad messages get a typed error and the connection stays', async () => {
    const { hub, url } = running;
    const c = await client(url);
    c.send('{not json');
    c.send({ v: 2, type: 'subscribe', topics: ['alerts'] });
    c.send({ v: 1, type: 'subscribe', topics: ['windows.a*'], id: 'p' });
    await waitFor(() => c.ofType('error').length === 3, { what: 'three errors' });
    assert.deepEqual(
      c.ofType('error').map((e) => e.code),
      ['bad_json', 'bad_message', 'bad_pattern'],
    );
    assert.equal(c.ofType('error')[2].id, 'p');
    assert.ok(hub.stats().badMessages >= 3);
    c.subscribe(['alerts']);
    await waitFor(() => c.ofType('subscribed').length === 1, { what: 'still served' });
  });

  test('more patterns than allowed are refused', async () => {
    const c = await client(running.url);
    const max = running.hub.options.maxSubscriptions;
    c.subscribe(Array.from({ length: max }, (_, i) => `t${i}`));
    await waitFor(() => c.ofType('subscribed').length === 1, { what: 'ack' });
    c.subscribe(['one.more']);
    await waitFor(() => c.ofType('error').length === 1, { what: 'refusal' });
    assert.equal(c.ofType('error')[0].code, 'too_many_subscriptions');
  });
});

describe('admission', () => {
  let running: Running;
  before(async () => (running = await startHub({ maxClients: 2 })));
  after(() => stopHub(running));

  test('a missing or wrong token is refused before the upgrade (a client sees 4401 and a reason); header or query token is let in', async () => {
    const none = await client(running.url, { token: undefined });
    const wrong = await client(running.url, { token: 'test-token-124' });
    for (const c of [none, wrong]) {
      const closed = await c.closed;
      assert.equal(closed.code, CLOSE.unauthorized);
      assert.match(closed.reason, /unauthorized/);
    }
    const byQuery = await client(`${running.url}?token=${TOKEN}`, { token: undefined });
    assert.equal(byQuery.ofType('hello').length, 1);
    assert.equal(running.hub.stats().refusedUnauthorized, 2);
    await byQuery.close();
    await waitFor(() => running.hub.stats().clients === 0, { what: 'client gone' });
  });

  test('past maxClients a connection is refused with 1013; a place freed is taken again', async () => {
    const a = await client(running.url);
    const b = await client(running.url);
    const c = await client(running.url);
    const refused = await c.closed;
    assert.equal(refused.code, CLOSE.maxClients);
    assert.match(refused.reason, /too many clients \(max 2\)/);
    assert.equal(a.closedWith, undefined);
    await b.close();
    await waitFor(() => running.hub.stats().clients === 1, { what: 'one client left' });
    const d = await client(running.url);
    assert.equal(d.ofType('hello').length, 1);
    assert.equal(d.closedWith, undefined);
  });
});

describe('peers that fall behind', () => {
  test('a client that stops reading is dropped with a reason; the others get every update', async () => {
    const running = await startHub({ maxBufferedBytes: 256 * 1024, slowGraceMs: 10_000 });
    try {
      const normal = await client(running.url, { topics: ['windows.>'] });
      const slow = await client(running.url, { topics: ['windows.>'] });
      await waitFor(() => normal.ofType('subscribed').length === 1 && slow.ofType('subscribed').length === 1, {
        what: 'both subscribed',
      });
      slow.ws.pause(); // stops reading: the kernel buffers fill, then the hub's queue for it grows
      const payload = { blob: 'x'.repeat(32 * 1024) };
      let published = 0;
      while (running.hub.stats().droppedSlow === 0 && published < 5000) {
        running.hub.publish(overall10s, payload);
        published++;
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(running.hub.stats().droppedSlow, 1, `slow client dropped after ${published} updates`);
      for (let i = 0; i < 20; i++) running.hub.publish(overall10s, payload);
      published += 20;
      await waitFor(() => normal.ofType('update').length === published, { what: `normal client gets all ${published} updates` });
      slow.ws.resume();
      const closed = await slow.closed;
      assert.equal(closed.code, CLOSE.slowConsumer);
      assert.match(closed.reason, /slow consumer/);
      assert.equal(slow.ofType('bye').at(-1)?.code, CLOSE.slowConsumer);
      assert.equal(normal.closedWith, undefined);
    } finally {
      await stopHub(running);
    }
  });

  test('a client that stops answering pings is cut', async () => {
    // A round a second: the live client must answer within one round, and at 50 ms a busy CI
    // machine (ci83) held this process long enough for the live client to be cut too.
    const running = await startHub({ pingIntervalMs: 1000 });
    try {
      const live = await client(running.url);
      const dead = await client(running.url, { autoPong: false });
      await dead.closed;
      assert.equal(running.hub.stats().droppedDead, 1);
      assert.equal(live.closedWith, undefined);
    } finally {
      await stopHub(running);
    }
  });
});
