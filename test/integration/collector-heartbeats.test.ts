// Agent heartbeats through the collector, on real nats-server and influxd: valid ones become
// `agent` points (queried back), invalid ones are counted and never stored, and the collector goes on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from 'nats';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import type { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { heartbeatSubject } from '../../schemas/subjects.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, influxQL, natsConnect, quietLog, rows } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const DB = 'heartbeats_test';

const beat = (agent: string, tsMs: number, over: Partial<AgentHeartbeat> = {}): AgentHeartbeat => ({
  v: 1,
  agent_id: agent,
  ts_ms: tsMs,
  uptime_s: 5,
  model_loaded: true,
  model_version: 'v4',
  queue_depth: 2,
  queue_capacity: 100,
  events_sent: 40,
  events_dropped: 1,
  nats_connected: true,
  ...over,
});

describe('agent heartbeats through the collector', () => {
  let collector: CollectorHandle;
  let nc: NatsConnection;

  before(async () => {
    collector = await startCollector(collectorConfig(services.nats.url, services.influx.url, DB, { durable: 'heartbeats-test' }), quietLog);
    nc = await natsConnect(services.nats.url);
  });

  after(async () => {
    await collector?.stop();
    await nc?.drain();
  });

  test('valid heartbeats become agent points; invalid ones are counted, not stored', async () => {
    const now = Date.now();
    nc.publish(heartbeatSubject('edge-1'), JSON.stringify(beat('edge-1', now - 2000, { queue_depth: 7 })));
    nc.publish(heartbeatSubject('edge-2'), JSON.stringify(beat('edge-2', now - 1000, { nats_connected: false })));
    nc.publish(heartbeatSubject('edge-3'), '{not json');
    nc.publish(heartbeatSubject('edge-3'), JSON.stringify({ ...beat('edge-3', now), queue_depth: -1 }));
    nc.publish(heartbeatSubject('edge-3'), JSON.stringify({ ...beat('edge-3', now), favourite_colour: 'blue' }));
    await nc.flush();
    const points = await waitFor(
      async () => {
        const r = rows(await influxQL(services.influx.url, DB, 'SELECT "queue_depth", "nats_connected", "agent" FROM "agent"'));
        // InfluxDB 1.x stores a point's fields one by one: a query may see a point half written.
        return r.length >= 2 && r.every((p) => p.queue_depth !== null && p.nats_connected !== null) && r;
      },
      { what: 'two whole agent points in InfluxDB' },
    );
    assert.deepEqual(
      points.map((p) => [p.agent, p.queue_depth, p.nats_connected]),
      [
        ['edge-1', 7, true],
        ['edge-2', 2, false],
      ],
    );
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`${collector.httpUrl}/metrics`)).text();
        return /heartbeats_total\{outcome="invalid"\} 3/.test(text) && text;
      },
      { what: 'three invalid heartbeats counted' },
    );
    assert.match(metrics, /starwatch_collector_heartbeats_total\{outcome="valid"\} 2/);
    const res = await fetch(`${collector.httpUrl}/healthz`);
    assert.equal(res.status, 200, 'the collector stays up');
  });
});
