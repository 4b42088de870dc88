import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NanoClock } from '../../agent/events/clock.ts';
import { EventIds } from '../../agent/events/event-id.ts';
import { EventBuilder, observeError, observeResult } from '../../agent/events/build.ts';
import { unknownInput } from '../../agent/events/observation.ts';
import { sniffFormat } from '../../agent/events/sniff-format.ts';
import { encodeBatch, batchMsgId } from '../../agent/publish/batch-encoding.ts';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { decodeCborBatch, isCbor } from '../../schemas/cbor-batch.ts';
import { CompactColumns } from '../../schemas/compact-columns.ts';
import { MAX_TIMING_MS } from '../../schemas/event-fields.ts';
import { InferenceEvent } from '../../schemas/inference-event.ts';
import { validator } from '../../schemas/validate.ts';

const checkEvent = validator(InferenceEvent);
const checkCompact = validator(CompactColumns);
const model = { id: 'm.onnx', version: 'v1', sha256: 'f'.repeat(64) };
const result = {
  info: { format: 'PNG' as const, mode: 'RGB' as const, width: 300, height: 200, bytes: 1234, lossy: false },
  verdict: { stegoProb: 0.7, isStego: true, method: 'palette' as const, methodProb: 0.6, bitOrder: 'msb-first' as const },
  timings: { decodeMs: 1, preprocessMs: 0.5, inferMs: 2, totalMs: 3.6 },
};

test('the clock is strictly increasing even when called faster than it ticks, and near wall time', () => {
  const clock = new NanoClock();
  let last = 0n;
  for (let i = 0; i < 100_000; i++) {
    const t = clock.next();
    assert.ok(t > last);
    last = t;
  }
  const wallNs = BigInt(Date.now()) * 1_000_000n;
  const diff = last > wallNs ? last - wallNs : wallNs - last;
  assert.ok(diff < 1_000_000_000n, `within a second of Date.now(): off by ${diff} ns`);
});

test('event ids are unique within and across id makers', () => {
  const a = new EventIds();
  const b = new EventIds();
  const ids = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    ids.add(a.next());
    ids.add(b.next());
  }
  assert.equal(ids.size, 20_000);
});

test('a scan result becomes a valid event with its fields', () => {
  const builder = new EventBuilder('agent-1', model);
  const e = builder.build(observeResult('scan', result, { label: { category: 'stego', method: 'palette' } }));
  const checked = checkEvent(e);
  assert.ok(checked.ok, checked.ok ? '' : checked.reason);
  assert.deepEqual(e.input, { format: 'PNG', bytes: 1234, width: 300, height: 200 });
  assert.deepEqual(e.outputs, { stego_prob: 0.7, is_stego: true, method: 'palette', method_prob: 0.6, bit_order: 'msb-first' });
  assert.deepEqual(e.timings, { decode_ms: 1, preprocess_ms: 0.5, infer_ms: 2, total_ms: 3.6 });
  assert.equal(e.error_code, null);
  assert.deepEqual(e.label, { category: 'stego', method: 'palette' });
});

test('an error becomes a valid event with a null verdict; ts_ns is unique per builder', () => {
  const builder = new EventBuilder('agent-1', model);
  const a = builder.build(observeError('scan', 'CORRUPT_IMAGE', unknownInput(10), 0.2));
  const b = builder.build(observeError('scan', 'X'.repeat(100), unknownInput(10), -1));
  for (const e of [a, b]) assert.ok(checkEvent(e).ok);
  assert.equal(a.outputs, null);
  assert.equal(a.error_code, 'CORRUPT_IMAGE');
  assert.equal(b.error_code?.length, 64, 'long codes are cut to the contract');
  assert.equal(b.timings.total_ms, 0);
  assert.ok(BigInt(b.ts_ns) > BigInt(a.ts_ns));
  assert.notEqual(a.event_id, b.event_id);
});

test('timings are kept within what the collector accepts: none negative, none past a day', () => {
  const builder = new EventBuilder('agent-1', model);
  const hung = builder.build(observeError('scan', 'TIMEOUT', unknownInput(10), 1e300));
  const forever = builder.build(observeError('scan', 'TIMEOUT', unknownInput(10), Number.POSITIVE_INFINITY));
  assert.equal(hung.timings.total_ms, MAX_TIMING_MS);
  assert.equal(forever.timings.total_ms, 0, 'not a measurement');
  for (const e of [hung, forever]) assert.ok(checkEvent(e).ok);
});

test('a batch encodes to a compacted EventBatch v4 (CBOR) that decodes back to the events in order', () => {
  const builder = new EventBuilder('agent-1', model);
  const events = Array.from({ length: 8 }, () => builder.build(observeResult('library', result)));
  const data = encodeBatch('agent-1', 42, events);
  assert.ok(isCbor(data));
  const batch = decodeCborBatch(data) as { v: number; seq: number; columns: Record<string, { dictionary: unknown[]; indexes: Uint8Array }> };
  assert.equal(batch.v, 4);
  assert.deepEqual(batch.columns.source.dictionary, ['library'], 'a repeated string goes as a dictionary');
  assert.ok(batch.columns.source.indexes instanceof Uint8Array, 'its indexes as bytes');
  assert.equal(batch.seq, 42);
  const decoded = decodeMessage(data, { subject: 's' }, { maxFutureMs: 60_000, maxPayloadChars: 100 }, Date.now());
  assert.deepEqual(decoded.dead, []);
  assert.deepEqual(decoded.events.map((e) => e.event), events);
  assert.equal(batchMsgId('agent-1', 'b00t', 42), 'agent-1:b00t:42');
});

test('a batch CBOR cannot carry goes as JSON v3: a lone surrogate, or more than MAX_CBOR_BYTES', () => {
  const builder = new EventBuilder('agent-1', model);
  const lone = new EventBuilder('agent-1', { ...model, version: 'half a pair: \ud83d' }).build(observeResult('library', result));
  const big = Array.from({ length: 2000 }, () => builder.build(observeResult('library', result)));
  for (const [what, events] of [['lone surrogate', [lone]], ['2000 events', big]] as const) {
    const data = encodeBatch('agent-1', 7, events);
    assert.ok(!isCbor(data), what);
    const batch = JSON.parse(new TextDecoder().decode(data));
    assert.ok(checkCompact(batch).ok, what);
    const decoded = decodeMessage(data, { subject: 's' }, { maxFutureMs: 60_000, maxPayloadChars: 100 }, Date.now());
    assert.deepEqual(decoded.dead, [], what);
    assert.deepEqual(decoded.events.map((e) => e.event), events, what);
  }
});

test('formats are sniffed from magic bytes', () => {
  assert.equal(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG');
  assert.equal(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'JPEG');
  assert.equal(sniffFormat(new TextEncoder().encode('GIF89a')), 'GIF');
  assert.equal(sniffFormat(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'WEBP');
  assert.equal(sniffFormat(new TextEncoder().encode('BM')), 'BMP');
  assert.equal(sniffFormat(new Uint8Array([1, 2, 3])), 'unknown');
});
