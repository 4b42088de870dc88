// NATS goes away in the middle of a run of scans: scans keep succeeding, the queue keeps its
// bound and drops the oldest events, every drop is counted (drops == events missing from
// the stream), and once nats-server is back new events flow again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServices, waitFor } from '../harness/services.ts';
import { makeImages, postScan, readStoredEvents, startTestAgent } from './agent-stream.ts';
import { assertAll } from '../harness/assert-all.ts';

const services = useServices({ nats: true });
const QUEUE = 8;

test('scans go on while nats-server is down; drops are counted exactly; events resume', async () => {
  const images = await makeImages(6); // before the agent starts: nothing to close if this fails
  const agent = await startTestAgent(services.nats.url, { agentId: 'fault', queueSize: QUEUE, batchSize: 4, batchMs: 10 });
  const scanAll = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await postScan(agent.url, images[i % images.length]);
      assert.equal(r.status, 200, 'scans keep succeeding');
      ids.push(String(r.json.event_id));
    }
    return ids;
  };
  try {
    const before = await scanAll(5);
    await waitFor(() => agent.agent.stats().sent === 5, { what: 'the first events sent' });

    await services.nats.process.stop();
    await waitFor(() => !agent.agent.stats().connected, { what: 'the agent to see NATS gone' });
    const during = await scanAll(20);
    const atOutage = agent.agent.stats();
    assert.equal(atOutage.queueDepth, QUEUE, 'the queue holds its bound');
    assert.equal(atOutage.dropped, 20 - QUEUE, 'every event past the bound is dropped and counted');
    const ready = await fetch(`${agent.url}/readyz`);
    assert.equal(ready.status, 200, 'queueing counts as ready');
    assert.equal((await ready.json()).nats_connected, false);

    await services.nats.restart();
    await waitFor(() => agent.agent.stats().connected && agent.agent.stats().queueDepth === 0, {
      timeoutMs: 15_000,
      what: 'the queue drained after the restart',
    });
    const after = await scanAll(5);
    await waitFor(() => agent.agent.stats().sent === 5 + QUEUE + 5, { timeoutMs: 15_000, what: 'new events sent' });

    const stored = await readStoredEvents(services.nats.url);
    const all = [...before, ...during, ...after];
    const missing = all.filter((id) => !stored.countById.has(id));
    assert.equal(missing.length, agent.agent.stats().dropped, 'drops counted == events missing');
    assert.deepEqual(missing, during.slice(0, 20 - QUEUE), 'the oldest were the ones dropped');
    for (const id of [...before, ...after, ...during.slice(20 - QUEUE)]) assert.equal(stored.countById.get(id), 1);
    assert.equal(stored.events.length, all.length - missing.length, 'nothing stored twice');
  } finally {
    await agent.close();
  }
});

test('stopping nats-server under load: no event lost uncounted, none stored twice', async () => {
  const images = await makeImages(3);
  const agent = await startTestAgent(services.nats.url, { agentId: 'fault-load', queueSize: QUEUE, batchSize: 2, batchMs: 5 });
  const ids: string[] = [];
  let stop = false;
  // Two clients scanning all the time, across the outage: batches are in flight when it hits.
  const client = async (): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const r = await postScan(agent.url, images[i % images.length]);
      assert.equal(r.status, 200);
      ids.push(String(r.json.event_id));
    }
  };
  try {
    const clients = [client(), client()];
    await waitFor(() => agent.agent.stats().sent >= 6, { what: 'events flowing' });
    await services.nats.process.stop();
    await waitFor(() => agent.agent.stats().dropped > 0, { timeoutMs: 20_000, what: 'drops while NATS is down' });
    await services.nats.restart();
    await waitFor(() => agent.agent.stats().sent > 0 && agent.agent.stats().connected, { what: 'reconnected' });
    const sentAtReturn = agent.agent.stats().sent;
    await waitFor(() => agent.agent.stats().sent >= sentAtReturn + 6, { timeoutMs: 15_000, what: 'events flowing again' });
    stop = true;
    await Promise.all(clients);
    assert.ok(await agent.agent.publisher.flush(10_000), 'everything queued was sent');

    const stored = await readStoredEvents(services.nats.url);
    const mine = stored.events.filter((e) => e.agent_id === 'fault-load');
    const missing = ids.filter((id) => !stored.countById.has(id));
    assert.equal(missing.length, agent.agent.stats().dropped, 'drops counted == events missing');
    assert.equal(mine.length, ids.length - missing.length, 'no event stored twice');
    assertAll([...stored.countById.values()], (n) => n === 1, 'each event stored once');
  } finally {
    stop = true;
    await agent.close();
  }
});
