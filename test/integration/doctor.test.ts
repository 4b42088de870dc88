// starwatch doctor against a real deployment on loopback (nats-server, influxd, a collector and a
// scan agent with the random-weight model): all checks pass once events have flowed; a dead agent
// or collector address, a wrong database and a lagging consumer each fail with a fix. Every Grafana
// panel is run at its board's defaults (empty ones named), and a test notification goes through
// the configured notifiers: a real webhook receiver on loopback answers, a dead one fails.
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { renderDashboards } from '../../grafana/build.ts';
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
  let webhook: Server;
  const received: any[] = [];

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
    // The first 1-minute window of the agent's model version: the Models board's panels (granularity
    // 1m by default) read it, and the second test expects its throughput panel to have data.
    const minuteWindows = `SELECT count("count") FROM "window" WHERE "granularity" = '1m' AND "agent" = '*' AND "model_version" != '*'`;
    await waitFor(async () => (await influxQL(services.influx.url, DB, minuteWindows)).length > 0, {
      timeoutMs: 150_000, what: 'the first 1-minute window of a model version in InfluxDB',
    });
    // A Slack-style receiver: 200 and "ok", as Slack answers.
    webhook = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    options = {
      agents: [agent.url], collector: collector.httpUrl, nats: { servers: [services.nats.url] }, durable: DURABLE,
      influx: { url: services.influx.url, database: DB }, retentionPolicies: ['raw', 'windows'],
      maxPending: 10_000, heartbeatWaitMs: 5000, maxSkewMs: 2000, writtenWithinS: 600, timeoutMs: 5000,
      policies: { raw: 'raw', windows: 'windows' },
      alerts: { webhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook` },
    };
  });

  after(async () => {
    await new Promise((resolve) => webhook?.close(resolve));
    await agent?.close();
    await collector?.stop();
  });

  test('a working deployment: no check fails, and each part of the flow is checked', async () => {
    const results = await runDoctor(options);
    assert.deepEqual(results.filter((r) => r.status === 'fail'), [], checklistText(results));
    const names = results.map((r) => r.name);
    for (const part of [`agent ${agent.url}`, 'stream STARWATCH_EVENTS', `consumer ${DURABLE}`, 'clock of doctor-agent', `collector ${collector.httpUrl}`, 'retention policies', 'collector writing', 'Grafana "Starwatch / Overview"', 'alerts via nats starwatch.v1.alerts']) {
      assert.ok(names.includes(part), `no check of ${part}: ${names.join(', ')}`);
    }
    assert.match(checklistText(results), /all \d+ checks passed/);
  });

  test('every panel is run at its board defaults: those with data pass, the empty ones are named with what fills them', async () => {
    const results = await runDoctor({ ...options, agents: [], heartbeatWaitMs: 500 });
    const boards = results.filter((r) => r.name.startsWith('Grafana "'));
    // One check per shipped board, whatever boards ship.
    const shipped = [...renderDashboards().values()].map((json) => `Grafana "${JSON.parse(json).title}"`);
    assert.ok(shipped.length >= 5, `boards shipped: ${shipped.join(', ')}`);
    assert.deepEqual(boards.map((r) => r.name).sort(), shipped.sort());
    // A few minutes of traffic from one agent: the throughput panel has data; no training run was
    // ingested, so the Training panels are named empty, with the command that fills them.
    const models = boards.find((r) => r.name === 'Grafana "Starwatch / Models"')!;
    assert.equal(models.status, 'warn', models.detail);
    assert.match(models.detail, /"Training curves"/);
    assert.match(models.fix ?? '', /starwatch training ingest/);
    assert.doesNotMatch(models.detail, /"Throughput by version"/);
    const overview = boards.find((r) => r.name === 'Grafana "Starwatch / Overview"')!;
    assert.doesNotMatch(overview.detail, /"Throughput"/, overview.detail);
  });

  test('a test notification goes through each configured notifier and its answer is reported', async () => {
    const before = received.length;
    const results = await runDoctor({ ...options, agents: [], heartbeatWaitMs: 500 });
    const hook = results.find((r) => r.name.startsWith('alerts via webhook'));
    assert.equal(hook?.status, 'ok', checklistText(results));
    assert.equal(received.length, before + 1);
    assert.equal(received.at(-1).text.includes('starwatch doctor: test notification'), true, JSON.stringify(received.at(-1)));
    // A receiver that is gone fails with what the notifier saw; only NATS configured is a warning.
    const dead = await runDoctor({ ...options, agents: [], heartbeatWaitMs: 500, alerts: { webhookUrl: 'http://127.0.0.1:1/hook' } });
    const deadHook = dead.find((r) => r.name.startsWith('alerts via webhook'));
    assert.equal(deadHook?.status, 'fail', checklistText(dead));
    assert.match(deadHook!.detail, /webhook_unreachable|webhook_timeout|timeout/);
    const natsOnly = await runDoctor({ ...options, agents: [], heartbeatWaitMs: 500, alerts: {} });
    assert.equal(natsOnly.find((r) => r.name === 'alerts reach people')?.status, 'warn');
    assert.equal(natsOnly.find((r) => r.name === 'alerts via nats starwatch.v1.alerts')?.status, 'ok');
  });

  test('what is broken fails with its fix', async () => {
    const results = await runDoctor({
      ...options, agents: ['http://127.0.0.1:1'], collector: 'http://127.0.0.1:1', durable: 'nobody', influx: { url: services.influx.url, database: 'no_such_db' },
      heartbeatWaitMs: 1000,
    });
    const failed = new Map(results.filter((r) => r.status === 'fail').map((r) => [r.name, r]));
    for (const name of ['agent http://127.0.0.1:1', 'consumer nobody', 'collector http://127.0.0.1:1', 'retention policies', 'collector writing', 'Grafana "Starwatch / Overview"']) {
      assert.ok(failed.get(name)?.fix, `${name} did not fail with a fix: ${checklistText(results)}`);
    }
    assert.match(checklistText(results), /check\(s\) failed/);
    // Boards built for retention policies this database does not have: InfluxDB refuses their queries.
    const otherPolicies = await runDoctor({ ...options, agents: [], heartbeatWaitMs: 500, policies: { raw: 'raw', windows: 'no_such_rp' } });
    const overview = otherPolicies.find((r) => r.name === 'Grafana "Starwatch / Overview"')!;
    assert.equal(overview.status, 'fail', overview.detail);
    assert.match(overview.detail, /retention policy not found: no_such_rp/);
    assert.match(overview.fix ?? '', /STARWATCH_INFLUX_RP_RAW/);
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
