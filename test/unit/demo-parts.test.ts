// The demo's pure pieces: labels as the agent takes them, heartbeat points as the Agents board
// reads them, incident names, and the traffic generator's refusal of nonsense.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabel } from '../../agent/server/label.ts';
import { labelQuery, type CorpusItem } from '../../deploy/demo/corpus.ts';
import { heartbeatPoint } from '../../collector/heartbeats/point.ts';
import { INCIDENT_KINDS, parseIncidentKind } from '../../deploy/demo/incident.ts';
import { incidentStartMs, incidentTiming } from '../../deploy/demo/incident-timing.ts';
import { TrafficGenerator } from '../../deploy/demo/traffic.ts';
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
