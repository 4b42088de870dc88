// starwatch doctor against a real deployment on loopback (nats-server, influxd, a collector and a
// scan agent with the random-weight model): all checks pass once events have flowed; a dead agent
// or collector address, a wrong database and a lagging consumer each fail with a fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { AckPolicy, connect } from 'nats';
import sharp from 'sharp';
import { startAgentServer, type RunningAgent } from '../../agent/server/start.ts';
import { silentLogger } from '../../log/logger.ts';
import { EVENTS_FILTER } from '../../collector/consume/streams.ts';
import { createLogger } from '../../collector/log.ts';
import { EVENTS_STREAM } from '../../schemas/subjects.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { runDoctor, checklistText, type DoctorOptions } from '../../doctor/run.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const RANDOM = fileURLToPath(new URL('../../models/v4-random.onnx', import.meta.url));
const DB = 'doctor_test';
const DURABLE = 'doctor-collector';

describe('starwatch doctor', () => {
  let collector: CollectorHandle;
  let agent: RunningAgent;
  let options: DoctorOptions;

  before(async () => {
    collector = await startCollector(collectorConfig(services.nats.url, services.influx.url, DB, { durable: DURABLE }), createLogger('warn', () => undefined));
    agent = await startAgentServer({
      model: RANDOM, port: 0, host: '127.0.0.1', nats: { servers: [services.nats.url] }, agentId: 'doctor-agent',
      heartbeatMs: 500, batchMs: 20, logger: silentLogger,
    });
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${agent.url}/v1/scan`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } });
      assert.equal(res.status, 200);
    }
    await waitFor(async () => (await influxQL(services.influx.url, DB, 'SELECT count("count") FROM "window"')).length > 0, {
      timeoutMs: 90_000, what: 'the first windows in InfluxDB',
    });
    options = {
      agents: [agent.url], collector: collector.httpUrl, nats: { servers: [services.nats.url] }, durable: DURABLE,
      influx: { url: services.influx.url, database: DB }, retentionPolicies: ['raw', 'windows'],
      maxPending: 10_000, heartbeatWaitMs: 5000, maxSkewMs: 2000, writtenWithinS: 600, timeoutMs: 5000,
    };
  });

  after(async () => {
    await agent?.close();
    await collector?.stop();
  });

  test('a working deployment: no check fails, and each part of the flow is checked', async () => {
    const results = await runDoctor(options);
    assert.deepEqual(results.filter((r) => r.status === 'fail'), [], checklistText(results));
    const names = results.map((r) => r.name);
    for (const part of [`agent ${agent.url}`, 'stream STARWATCH_EVENTS', `consumer ${DURABLE}`, 'clock of doctor-agent', `collector ${collector.httpUrl}`, 'retention policies', 'collector writing']) {
      assert.ok(names.includes(part), `no check of ${part}: ${names.join(', ')}`);
    }
    assert.match(checklistText(results), /all \d+ checks passed/);
  });

  test('what is broken fails with its fix', async () => {
    const results = await runDoctor({
      ...options, agents: ['http://127.0.0.1:1'], collector: 'http://127.0.0.1:1', durable: 'nobody', influx: { url: services.influx.url, database: 'no_such_db' },
      heartbeatWaitMs: 1000,
    });
    const failed = new Map(results.filter((r) => r.status === 'fail').map((r) => [r.name, r]));
    for (const name of ['agent http://127.0.0.1:1', 'consumer nobody', 'collector http://127.0.0.1:1', 'retention policies', 'collector writing']) {
      assert.ok(failed.get(name)?.fix, `${name} did not fail with a fix: ${checklistText(results)}`);
    }
    assert.match(checklistText(results), /check\(s\) failed/);
  });

  test('a consumer with more waiting than allowed is lagging', async () => {
    // A durable nobody reads holds every message of the stream as waiting.
    const nc = await connect({ servers: services.nats.url });
    try {
      await (await nc.jetstreamManager()).consumers.add(EVENTS_STREAM, { durable_name: 'idle', ack_policy: AckPolicy.Explicit, filter_subject: EVENTS_FILTER });
      const results = await runDoctor({ ...options, agents: [], durable: 'idle', maxPending: 1, heartbeatWaitMs: 1000 });
      const consumer = results.find((r) => r.name === 'consumer idle')!;
      assert.equal(consumer.status, 'fail', consumer.detail);
      assert.match(consumer.detail, /^lagging: [1-9]\d* messages waiting/);
    } finally {
      await nc.close();
    }
  });
});
