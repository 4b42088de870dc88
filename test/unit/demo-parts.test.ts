// The demo's pure pieces: labels as the agent takes them, heartbeat points as the Agents board
// reads them, incident names, and the traffic generator's refusal of nonsense and its schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLabel } from '../../agent/server/label.ts';
import { labelQuery, type CorpusItem } from '../../deploy/demo/corpus.ts';
import { heartbeatPoint } from '../../collector/heartbeats/point.ts';
import { INCIDENT_KINDS, parseIncidentKind } from '../../deploy/demo/incident.ts';
import { incidentStartMs, incidentTiming } from '../../deploy/demo/incident-timing.ts';
import { MAX_CATCH_UP_MS, TrafficGenerator, type TrafficStats } from '../../deploy/demo/traffic.ts';
import { waitFor } from '../../deploy/local/wait.ts';
import { CONTRACT } from '../../grafana/contract.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';

const common = { format: 'PNG', mode: 'RGB', width: 256, height: 256, seed: 1, cover: 'procedural' } as const;

test('labelQuery gives the ground truth in the form the agent parses back', () => {
  const stego = labelQuery({ ...common, category: 'stego', method: 'lsb.rgb', bit_order: 'msb-first', payload_bytes: 10, message_kind: 'ascii' });
  const parsed = parseLabel(new URLSearchParams(stego), {});
  assert.deepEqual(parsed, { ok: true, label: { category: 'stego', method: 'lsb.rgb', bit_order: 'msb-first' } });
  const clean = parseLabel(new URLSearchParams(labelQuery({ ...common, category: 'clean' })), {});
  assert.deepEqual(clean, { ok: true, label: { category: 'clean' } });
});

test('heartbeatPoint writes the agent measurement with exactly the contract fields and tags', () => {
  const point = heartbeatPoint({
    v: 1,
    agent_id: 'edge-1',
    ts_ms: 1_700_000_000_123,
    uptime_s: 12.5,
    model_loaded: true,
    model_version: 'v4',
    queue_depth: 3,
    queue_capacity: 100,
    events_sent: 42,
    events_dropped: 1,
    nats_connected: false,
  });
  const contract = CONTRACT[MEASUREMENTS.agent];
  assert.equal(point.measurement, 'agent');
  assert.deepEqual(Object.keys(point.tags), contract.tags);
  assert.deepEqual(Object.keys(point.fields).sort(), Object.keys(contract.fields).sort());
  assert.equal(point.fields.nats_connected, false);
  assert.equal(point.timestampNs, '1700000000123000000');
});

test('incident kinds parse, and an unknown one is refused with the list', () => {
  for (const kind of INCIDENT_KINDS) assert.equal(parseIncidentKind(kind), kind);
  assert.throws(() => parseIncidentKind('meteor'), /unknown incident "meteor"; one of latency, method, format/);
});

test('the traffic generator refuses an empty corpus or a rate of 0', () => {
  const item: CorpusItem = { file: 'x.png', bytes: Buffer.from('x'), label: { ...common, category: 'clean' } };
  assert.throws(() => new TrafficGenerator({ agentUrl: 'http://127.0.0.1:1', rate: 10, corpus: [] }), /non-empty corpus/);
  assert.throws(() => new TrafficGenerator({ agentUrl: 'http://127.0.0.1:1', rate: 0, corpus: [item] }), /rate must be above 0/);
});

test('incidentTiming measures from the start of the first 10 s window the incident falls in', () => {
  const injected = Date.UTC(2026, 10, 30, 14, 31, 16, 184);
  const t = incidentTiming(injected, injected + 15_000);
  assert.equal(t.firstWindowStartMs, Date.UTC(2026, 10, 30, 14, 31, 10));
  assert.equal(t.toldAfterFirstWindowS, 21.2);
  assert.equal(t.toldAfterInjectionS, 15);
  const onEdge = incidentTiming(Date.UTC(2026, 10, 30, 14, 31, 20), null);
  assert.equal(onEdge.firstWindowStartMs, Date.UTC(2026, 10, 30, 14, 31, 20));
  assert.equal(onEdge.toldAfterFirstWindowS, null);
});

test('incidentStartMs starts the incident on the first 10 s window boundary after the steady traffic', () => {
  const started = Date.UTC(2026, 10, 30, 14, 30, 16, 120);
  assert.equal(incidentStartMs(started, 60), Date.UTC(2026, 10, 30, 14, 31, 20));
  assert.equal(incidentStartMs(Date.UTC(2026, 10, 30, 14, 30, 0), 60), Date.UTC(2026, 10, 30, 14, 31, 0));
});

test('a stalled traffic generator misses what it could not send in time instead of sending it in a burst', async () => {
  let arrivals = 0;
  const server = createServer((req, res) => {
    arrivals++;
    req.resume().on('end', () => res.end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const item: CorpusItem = { file: 'x.png', bytes: Buffer.from('x'), label: { ...common, category: 'clean' } };
  const rate = 50;
  const traffic = new TrafficGenerator({ agentUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, rate, corpus: [item], truncatedEvery: 1e9 });
  try {
    traffic.start();
    await waitFor(() => arrivals >= 5, { timeoutMs: 10_000, what: 'the first requests' });
    const stallMs = 1000;
    const before = traffic.stats();
    const stallStart = performance.now();
    while (performance.now() - stallStart < stallMs); // the event loop stalls, as on a loaded machine
    // The generator's overdue tick runs first in the next timers phase, then this timeout.
    const firstTick = await new Promise<TrafficStats>((resolve) => setTimeout(() => resolve(traffic.stats()), 0));
    const catchUp = Math.ceil((MAX_CATCH_UP_MS / 1000) * rate);
    // Without the rule, the 50 requests due in the stall went out at once (32 of them: maxInFlight).
    assert.ok(firstTick.sent - before.sent <= catchUp + 1, `${firstTick.sent - before.sent} requests sent at once after a ${stallMs} ms stall; at most ${catchUp + 1}`);
    assert.ok(firstTick.missed - before.missed >= rate * (stallMs / 1000) - catchUp - 1, `missed ${firstTick.missed - before.missed}`);
    await waitFor(() => traffic.stats().sent >= firstTick.sent + 5, { timeoutMs: 10_000, what: 'the schedule to go on after the stall' });
  } finally {
    await traffic.stop();
    await new Promise((resolve) => server.close(resolve));
  }
});
