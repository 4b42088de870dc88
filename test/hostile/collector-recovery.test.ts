// Issue 19 item 11: a collector started while influxd is away waits with /readyz false and
// carries on once it is back (no exit, no outside restarter); crash recovery reads back every
// window key, so a window written for some keys only is computed again, not taken as closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startInflux, type LocalInflux } from '../../deploy/local/influxd.ts';
import { freePort } from '../../deploy/local/ports.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { createLogger } from '../../collector/log.ts';
import { closedThrough, type WrittenPoint } from '../../collector/windows/restore.ts';
import { publishBatches, toBatches, makeEvent } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, natsConnect, rawCounts } from '../integration/collector-setup.ts';

const services = useServices({ nats: true });
const dir = tempDir();

const key = (start: number, agent: string, version: string, count: number): WrittenPoint => ({ start, agent, model_version: version, count });
const whole = (start: number): WrittenPoint[] => [key(start, '*', '*', 5), key(start, '*', 'v1', 5), key(start, 'a', 'v1', 2), key(start, 'b', 'v1', 3)];

test('closedThrough: the last window complete for every key, not the last (*,*) one', () => {
  assert.equal(closedThrough([...whole(0), ...whole(1000)], 1000), 1000);
  // (*,*) of 2000 written, agent b's point of it lost to the crash: 2000 is computed again.
  const partial = whole(2000).filter((k) => k.agent !== 'b');
  assert.equal(closedThrough([...whole(0), ...whole(1000), ...partial], 1000), 1000);
  // (*,*) itself missing, the others there.
  assert.equal(closedThrough([...whole(0), ...whole(1000).slice(1)], 1000), 0);
  // The oldest read back already incomplete: the one before it.
  assert.equal(closedThrough(whole(1000).slice(1), 1000), 0);
  assert.equal(closedThrough([], 1000), undefined);
});

const readyz = async (url: string): Promise<{ status: number; reason?: string }> => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, ...((await res.json()) as { reason?: string }) };
};

test('started while influxd is away: waits with /readyz false, then stores everything', async () => {
  const influxPort = await freePort();
  const config = collectorConfig(services.nats.url, `http://127.0.0.1:${influxPort}`, 'recovery_test', { durable: 'recovery' });
  config.http.port = await freePort();
  const httpUrl = `http://127.0.0.1:${config.http.port}`;
  let influx: LocalInflux | undefined;
  let collector: CollectorHandle | undefined;
  const nc = await natsConnect(services.nats.url);
  const giveUp = new AbortController();
  const starting = startCollector(config, createLogger('error'), { signal: giveUp.signal });
  try {
    const notReady = await waitFor(async () => {
      const r = await readyz(httpUrl).catch(() => undefined);
      return r?.status === 503 && r;
    }, { what: '/readyz answering 503' });
    assert.match(notReady.reason ?? '', /waiting for influxdb/);
    assert.equal((await fetch(`${httpUrl}/healthz`)).status, 200);
    influx = await startInflux(join(dir, 'influx'), influxPort);
    collector = await starting;
    await waitFor(async () => (await readyz(httpUrl)).status === 200, { timeoutMs: 30_000, what: '/readyz 200 once influxd is up' });
    const now = Date.now();
    await publishBatches(nc.jetstream(), toBatches(Array.from({ length: 50 }, (_, i) => makeEvent({ id: `e${i}`, agent: 'agent-a', tsMs: now - 1000, nsPart: i })), 10));
    await waitFor(async () => (await rawCounts(influx!.url, 'recovery_test')).distinct === 50, { timeoutMs: 30_000, what: '50 raw points' });
  } finally {
    giveUp.abort();
    collector ??= await starting.catch(() => undefined);
    await collector?.stop();
    await influx?.stop();
    await nc.close();
  }
});

test('a start that waits can be given up: it closes what it opened', async () => {
  const config = collectorConfig(services.nats.url, `http://127.0.0.1:${await freePort()}`, 'never', { durable: 'never' });
  config.http.port = await freePort();
  const giveUp = new AbortController();
  const starting = startCollector(config, createLogger('error'), { signal: giveUp.signal });
  await waitFor(async () => (await readyz(`http://127.0.0.1:${config.http.port}`).catch(() => undefined))?.status === 503, { what: '/readyz 503' });
  giveUp.abort();
  await assert.rejects(starting, /abort/i);
  await assert.rejects(fetch(`http://127.0.0.1:${config.http.port}/healthz`), 'the probe port is closed');
});
