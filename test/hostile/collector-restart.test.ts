// Issue 19 item 11: after kill -9, a collector started again is current (its windows closing and
// its messages acked) about 10 s after it starts, not after the dead instance's 94 s ack wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, natsConnect, prepareStreams, rawCounts } from '../integration/collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const dir = tempDir();

function startChild(configFile: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['bin/starwatch.js', 'collector', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, output: () => text };
}

const exited = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

test('kill -9, start again: current (recovered, windows closing) within about 10 s', async (t) => {
  const db = 'restart_test';
  const config = collectorConfig(services.nats.url, services.influx.url, db, { durable: 'restart' });
  config.nats.ackWaitMs = 0; // the derived default is what is tested
  config.logLevel = 'info';
  const configFile = join(dir, 'collector.json');
  writeFileSync(configFile, JSON.stringify(config));
  const nc = await natsConnect(services.nats.url);
  await prepareStreams(nc, config);
  const first = startChild(configFile);
  let second: ReturnType<typeof startChild> | undefined;
  try {
    // Events of the current minute: the first collector holds their messages (window open).
    const now = Date.now();
    const events = Array.from({ length: 2000 }, (_, i) => makeEvent({ id: `e${i}`, agent: `agent-${i % 2}`, tsMs: now - 2000 + (i % 1000), nsPart: i }));
    await publishBatches(nc.jetstream(), toBatches(events, 100));
    await waitFor(async () => (await rawCounts(services.influx.url, db)).distinct === events.length, { timeoutMs: 60_000, what: 'the first collector to write them' });
    const held = await (await nc.jetstreamManager()).consumers.info(config.nats.stream, config.nats.durable);
    assert.ok(held.num_ack_pending > 0, 'messages held when killed');
    first.child.kill('SIGKILL');
    await exited(first.child);

    const started = Date.now();
    second = startChild(configFile);
    const s = second;
    await waitFor(() => /"event":"recovered"/.test(s.output()), { timeoutMs: 60_000, what: 'recovered' });
    const recoveredAfterMs = Date.now() - started;
    t.diagnostic(`recovered ${recoveredAfterMs} ms after start`);
    assert.match(s.output(), /"event":"recovering"/);
    assert.ok(recoveredAfterMs < 20_000, `recovered ${recoveredAfterMs} ms after start`);
    await waitFor(async () => (await (await nc.jetstreamManager()).consumers.info(config.nats.stream, config.nats.durable)).num_ack_pending === 0, { timeoutMs: 90_000, what: 'every message acked' });
    assert.deepEqual(await rawCounts(services.influx.url, db), { total: events.length, distinct: events.length });
  } finally {
    first.child.kill('SIGKILL');
    second?.child.kill('SIGTERM');
    if (second) await exited(second.child);
    await nc.close();
  }
});
