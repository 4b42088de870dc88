// kill -9 the collector (a child process running `starwatch collector`) mid-stream, start it
// again: InfluxDB ends with every event exactly once, and the minute windows whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, minuteTotal, natsConnect, prepareStreams, rawCounts, spreadEvents } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const dir = tempDir();

function startChild(configFile: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['bin/starwatch.js', 'collector', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { child, output: () => text };
}

const exited = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

test('kill -9 mid-stream and restart: every event exactly once, windows whole', async () => {
  const db = 'crash_test';
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
  const events = spreadEvents(30_000, base);
  const batches = toBatches(events, 100);
  const config = collectorConfig(services.nats.url, services.influx.url, db, { ackWaitMs: 3000 });
  config.logLevel = 'info';
  const configFile = join(dir, 'collector.json');
  writeFileSync(configFile, JSON.stringify(config));

  const nc = await natsConnect(services.nats.url);
  await prepareStreams(nc, config);
  const first = startChild(configFile);
  let second: ReturnType<typeof startChild> | undefined;
  try {
    const js = nc.jetstream();
    await publishBatches(js, batches.slice(0, batches.length / 2));
    await waitFor(async () => (await rawCounts(services.influx.url, db)).total >= 3000, {
      timeoutMs: 30_000,
      what: 'the first collector to write some events',
    });
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.ok((await rawCounts(services.influx.url, db)).total < events.length, 'killed before the end');

    await publishBatches(js, batches.slice(batches.length / 2));
    second = startChild(configFile);
    await waitFor(async () => (await rawCounts(services.influx.url, db)).distinct === events.length, {
      timeoutMs: 60_000,
      what: 'every event in InfluxDB',
    });
    assert.deepEqual(await rawCounts(services.influx.url, db), { total: events.length, distinct: events.length });
    await waitFor(async () => (await minuteTotal(services.influx.url, db)) === events.length, {
      timeoutMs: 30_000,
      what: 'the minute windows to add up to every event',
    });
    assert.match(second.output(), /"event":"recovering"/);
  } finally {
    await nc.close();
    first.child.kill('SIGKILL');
    if (second) {
      second.child.kill('SIGTERM');
      // A collector that ignores SIGTERM must not hang the file: SIGKILL after 30 s.
      const hard = setTimeout(() => second?.child.kill('SIGKILL'), 30_000);
      await exited(second.child);
      clearTimeout(hard);
    }
  }
});
