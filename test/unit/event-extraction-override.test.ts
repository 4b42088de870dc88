// The field added through the field table alone (issue 12): a proxied verdict that is stego only
// because Starlight extracted a message says so in its event, on the wire, through the
// collector's checks and in its InfluxDB line; other events carry nothing new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBuilder } from '../../agent/events/build.ts';
import { VERDICT_PRESETS, readUpstreamVerdict } from '../../agent/proxy/verdict-fields.ts';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { inferenceLine } from '../../collector/points/inference-line.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import type { Outputs } from '../../schemas/inference-event.ts';

const STARLIGHT = VERDICT_PRESETS['starlight-v4'];
const builder = new EventBuilder('agent-a', { id: 'upstream', version: 'unknown', sha256: '0'.repeat(64) });
const input = { format: 'PNG', bytes: 1000, width: 8, height: 8 };
const timings = { decode_ms: 0, preprocess_ms: 0, infer_ms: 1, total_ms: 1 };
const eventOf = (outputs: Outputs) => builder.build({ source: 'proxy', input, timings, outputs, errorCode: null });

function throughCollector(outputs: Outputs[]) {
  const batch = toColumns('agent-a', 1, outputs.map(eventOf));
  const data = new TextEncoder().encode(JSON.stringify(batch));
  const { events, dead } = decodeMessage(data, { subject: 'starwatch.events.agent-a' }, { maxFutureMs: 60_000, maxPayloadChars: 500 }, Date.now());
  assert.deepEqual(dead, []);
  return { batch, events: events.map((e) => e.event) };
}

test('a verdict turned stego by an extracted message carries extraction_override to InfluxDB', () => {
  const turned = readUpstreamVerdict({ is_stego: false, stego_probability: 0.2, extracted_message: 'AI42 hi' }, STARLIGHT)!.outputs;
  const judged = readUpstreamVerdict({ is_stego: true, stego_probability: 0.9, extracted_message: 'AI42 hi' }, STARLIGHT)!.outputs;
  const clean = readUpstreamVerdict({ is_stego: false, stego_probability: 0.2 }, STARLIGHT)!.outputs;
  assert.equal(turned.extraction_override, true);
  assert.equal('extraction_override' in judged, false, 'stego anyway: nothing was overridden');
  assert.equal('extraction_override' in clean, false);
  const { batch, events } = throughCollector([turned, judged, clean]);
  assert.deepEqual(batch.columns.extraction_override, [true, null, null]);
  assert.deepEqual(events.map((e) => e.outputs?.extraction_override), [true, undefined, undefined]);
  const lines = events.map(inferenceLine);
  assert.match(lines[0], /,extraction_override=true /);
  assert.doesNotMatch(lines[1], /extraction_override/);
});

test('a batch without the override has no column for it, so older collectors read it', () => {
  const clean = readUpstreamVerdict({ is_stego: false, stego_probability: 0.2 }, STARLIGHT)!.outputs;
  const { batch, events } = throughCollector([clean, clean]);
  assert.equal('extraction_override' in batch.columns, false);
  assert.equal(events.length, 2);
});

test('the collector refuses a wrong extraction_override instead of storing it', () => {
  const turned = readUpstreamVerdict({ is_stego: false, stego_probability: 0.2, extracted_message: 'AI42 hi' }, STARLIGHT)!.outputs;
  const batch = toColumns('agent-a', 1, [eventOf(turned)]);
  (batch.columns.extraction_override as unknown[])[0] = 'yes';
  const data = new TextEncoder().encode(JSON.stringify(batch));
  const { events, dead } = decodeMessage(data, { subject: 'starwatch.events.agent-a' }, { maxFutureMs: 60_000, maxPayloadChars: 500 }, Date.now());
  assert.equal(events.length, 0);
  assert.equal(dead[0]?.code, 'bad_event');
  assert.match(dead[0].reason, /extraction_override/);
});
