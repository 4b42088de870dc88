// The load side of bench/live.ts, in its own process so it does not share the server's event
// loop: many WebSocket followers that time each update, or keep-alive HTTP loops that time each
// request. Driven over IPC by bench/live.ts.
import { Agent, request } from 'node:http';
import { FeedClient } from '../collector/live/feed-client.ts';

type Command =
  | { cmd: 'ws'; url: string; token: string; clients: number; topic: string }
  | { cmd: 'ws-count' }
  | { cmd: 'ws-report' }
  | { cmd: 'http'; url: string; token: string; method: string; path: string; body?: string; concurrency: number; durationMs: number };

const now = (): number => performance.timeOrigin + performance.now();
const feeds: FeedClient[] = [];
const delays: number[] = [];
const received = new Map<number, number>();

/** Resolves once every follower has its subscription acknowledged. */
async function connectMany(c: Extract<Command, { cmd: 'ws' }>): Promise<void> {
  const acks: Promise<void>[] = [];
  for (let i = 0; i < c.clients; i++) {
    const id = i;
    received.set(id, 0);
    let acked: () => void = () => {};
    acks.push(new Promise((r) => (acked = r)));
    const feed = await FeedClient.connect(c.url, {
      token: c.token,
      topics: [c.topic],
      onMessage: (m, at) => {
        if (m.type === 'subscribed') acked();
        if (m.type !== 'update') return;
        delays.push(at - (m.data as { sent_at: number }).sent_at);
        received.set(id, (received.get(id) ?? 0) + 1);
      },
    });
    feeds.push(feed);
  }
  await Promise.all(acks);
}

async function httpLoad(c: Extract<Command, { cmd: 'http' }>): Promise<{ latencies: number[]; statuses: Record<string, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: c.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const until = now() + c.durationMs;
  const url = new URL(c.path, c.url);
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const start = now();
      const req = request(
        url,
        { method: c.method, agent, headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(now() - start);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', reject);
      // Each logged event needs its own id, or JetStream deduplicates it.
      req.end(c.body?.replace('__ID__', `${process.pid}-${latencies.length}-${Math.random()}`));
    });
  await Promise.all(
    Array.from({ length: c.concurrency }, async () => {
      while (now() < until) await once();
    }),
  );
  agent.destroy();
  return { latencies, statuses };
}

process.on('message', (c: Command) => {
  const reply = (value: unknown) => process.send?.(value);
  if (c.cmd === 'ws') void connectMany(c).then(() => reply({ ready: feeds.length }));
  else if (c.cmd === 'ws-count') reply({ count: delays.length });
  else if (c.cmd === 'ws-report') {
    reply({ delays, perClient: [...received.values()] });
    for (const f of feeds) void f.close();
  } else if (c.cmd === 'http') void httpLoad(c).then(reply);
});
