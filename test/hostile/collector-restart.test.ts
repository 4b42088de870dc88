// Issue 19 item 11: after kill -9, a collector started again is current (its windows closing and
// its messages acked) about 10 s after it starts, not after the dead instance's 94 s ack wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exited, startRestartRig } from '../../bench/hostile/collector-child.ts';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, rawCounts } from '../integration/collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const dir = tempDir();

test('kill -9, start again: current (recovered, windows closing) within about 10 s', async (t) => {
  const db = 'restart_test';
  const config = collectorConfig(services.nats.url, services.influx.url, db, { durable: 'restart' });
  config.nats.ackWaitMs = 0; // the derived default is what is tested
  const rig = await startRestartRig(config, dir);
  const { nc, first } = rig;
  try {
    // Events of the current minute: the first collector holds their messages (window open).
    const now = Date.now();
    const events = Array.from({ length: 2000 }, (_, i) => makeEvent({ id: `e${i}`, agent: `agent-${i % 2}`, tsMs: now - 2000 + (i % 1000), nsPart: i }));
    await publishBatches(nc.jetstream(), toBatches(events, 100));
    await waitFor(async () => (await rawCounts(services.influx.url, db)).distinct === events.length, { timeoutMs: 60_000, what: 'the first collector to write them' }).catch(rig.explain);
    const held = await (await nc.jetstreamManager()).consumers.info(config.nats.stream, config.nats.durable);
    assert.ok(held.num_ack_pending > 0, 'messages held when killed');
    first.child.kill('SIGKILL');
    await exited(first.child);

    const started = Date.now();
    const s = rig.startAgain();
    await waitFor(() => /"event":"recovered"/.test(s.output()), { timeoutMs: 60_000, what: 'recovered' }).catch(rig.explain);
    const recoveredAfterMs = Date.now() - started;
    t.diagnostic(`recovered ${recoveredAfterMs} ms after start`);
    assert.match(s.output(), /"event":"recovering"/);
    assert.ok(recoveredAfterMs < 20_000, `recovered ${recoveredAfterMs} ms after start`);
    await waitFor(async () => (await (await nc.jetstreamManager()).consumers.info(config.nats.stream, config.nats.durable)).num_ack_pending === 0, { timeoutMs: 90_000, what: 'every message acked' }).catch(rig.explain);
    assert.deepEqual(await rawCounts(services.influx.url, db), { total: events.length, distinct: events.length });
  } finally {
    await rig.close();
  }
});
