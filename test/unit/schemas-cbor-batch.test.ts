// EventBatch v4 (schemas/cbor-batch.ts): the agent's CBOR batch must come back as the very events
// it had, and whatever a hostile sender puts after the CBOR mark must be one letter with the
// right code, never an event of its own, a throw or a wrong value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Encoder } from 'cbor-x/encode';
import { CBOR_MAGIC, decodeCborBatch, encodeCborBatch, isCbor, MAX_CBOR_BYTES } from '../../schemas/cbor-batch.ts';
import { compactColumns } from '../../schemas/compact-columns.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const limits = { maxFutureMs: 60_000, maxPayloadChars: 200 };
const origin = { subject: 'starwatch.v1.events.agent-a', stream_seq: 7 };
const now = 1_700_000_000_000;
const encoder = new Encoder({ useRecords: false });
const marked = (body: Uint8Array) => Uint8Array.from([...CBOR_MAGIC, ...body]);

function events(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeEvent({
      id: `0f72edb12639339f-${i.toString(36)}`,
      tsMs: now - n + i,
      nsPart: i,
      prob: ((i * 37) % 1000) / 1000,
      totalMs: 1 + i / 1000,
      format: i % 5 ? 'PNG' : 'JPEG',
      bytes: i === 3 ? 2 ** 40 : 20_000 + i,
      error: i % 9 === 0 ? 'CORRUPT_IMAGE' : undefined,
      label: i === 3 ? { category: 'clean' } : undefined,
      modelVersion: i % 2 ? 'v4.0.0' : 'v4.1.0',
    }),
  );
}

/** A v4 batch of `n` events as its object, to bend before encoding it again. */
function v4Object(n: number): { columns: Record<string, any> } & Record<string, unknown> {
  return decodeCborBatch(encodeCborBatch(compactColumns(toColumns('agent-a', 5, events(n))))!) as never;
}

test('a v4 batch decodes to the very events it was made of, its integers as typed arrays', () => {
  const sent = events(64);
  const data = encodeCborBatch(compactColumns(toColumns('agent-a', 5, sent)))!;
  assert.ok(isCbor(data));
  const batch = decodeCborBatch(data) as { v: number; columns: Record<string, any> };
  assert.equal(batch.v, 4);
  assert.ok(batch.columns.width instanceof Uint16Array, 'width fits 16 bits');
  assert.ok(batch.columns.bytes instanceof Float64Array, 'one value is 2^40');
  assert.ok(batch.columns.total_ms.units instanceof Uint16Array);
  assert.equal(typeof batch.columns.event_id.text, 'string', 'ids as one packed text');
  const out = decodeMessage(data, origin, limits, now);
  assert.deepEqual(out.dead, []);
  assert.deepEqual(out.events.map((e) => e.event), sent);
  const v3 = new TextEncoder().encode(JSON.stringify(compactColumns(toColumns('agent-a', 5, sent))));
  assert.ok(data.length < v3.length, `${data.length} bytes, smaller than ${v3.length} as v3 JSON`);
});

test('whatever follows the CBOR mark that is not a good batch is one letter with its code, and no event', () => {
  const bent: [string, Uint8Array, string, RegExp][] = [
    ['not CBOR', marked(Uint8Array.of(0xff, 0xff, 0x1c)), 'not_cbor', /./],
    ['cut short', encodeCborBatch(compactColumns(toColumns('agent-a', 5, events(8))))!.subarray(0, 200), 'not_cbor', /end of CBOR data|Unexpected end/i],
    ['an array of 2^32 items declared in 9 bytes', marked(Uint8Array.of(0x9b, 0, 0, 0, 1, 0, 0, 0, 0)), 'not_cbor', /./],
    ['nested 60,000 deep', marked(new Uint8Array(60_000).fill(0x81)), 'poison', /RangeError/],
    ['larger than MAX_CBOR_BYTES', marked(encoder.encode({ v: 4, pad: 'x'.repeat(MAX_CBOR_BYTES) })), 'too_large', /bytes of CBOR, more than 65536/],
    ['a map that is not a batch', marked(encoder.encode({ v: 4 })), 'bad_batch', /columns/],
    ['a number, not a map', marked(encoder.encode(4)), 'bad_batch', /./],
  ];
  const column = (name: string, value: unknown, reason: RegExp): [string, Uint8Array, string, RegExp] => {
    const batch = v4Object(8);
    batch.columns[name] = value;
    return [`${name} as ${Object.prototype.toString.call(value)}`, marked(encoder.encode(batch)), 'bad_batch', reason];
  };
  bent.push(
    column('bytes', new Float32Array(8).fill(1), /^\/columns\/bytes must be an array, a dictionary, decimals or packed text$/),
    column('bytes', new BigInt64Array(8), /^\/columns\/bytes must be/),
    column('bytes', new Date(now), /^\/columns\/bytes must be/),
    column('total_ms', { decimals: 3, units: Float64Array.of(1, 2, NaN, 4, 5, 6, 7, 8) }, /^\/columns\/total_ms\/units\/2 is null, not a safe integer$/),
    column('total_ms', { decimals: 3, units: Float64Array.of(1, 2, 2.5, 4, 5, 6, 7, 8) }, /^\/columns\/total_ms\/units\/2 is 2.5, not a safe integer$/),
    column('source', { dictionary: ['scan'], indexes: Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0) }, /^\/columns\/source\/indexes\/3 is 1, not an index/),
    column('event_id', { text: 'abc', lengths: Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1) }, /^\/columns\/event_id\/lengths add up to 8, the text has 3 characters$/),
    column('width', new Uint16Array(7).fill(256), /^\/columns\/width has 7 values, n is 8$/),
  );
  for (const [what, data, code, reason] of bent) {
    assert.ok(isCbor(data), what);
    const out = decodeMessage(data, origin, limits, now);
    assert.deepEqual(out.events, [], what);
    assert.equal(out.dead.length, 1, what);
    assert.equal(out.dead[0].code, code, `${what}: ${out.dead[0].reason}`);
    assert.match(out.dead[0].reason, reason, what);
    assert.match(out.dead[0].payload, /^base64:[A-Za-z0-9+/=]*$/, `${what}: the letter quotes the bytes as base64`);
    assert.ok(out.dead[0].payload.length <= limits.maxPayloadChars, what);
  }
});

test('typed arrays a float column cannot be: a plain float column a sender sends as bytes is refused row by row', () => {
  // A column of floats in a typed array is no form the agent makes, but a number array is a number
  // array: the rows are checked as any others (a width of 0.5 is no integer).
  const batch = v4Object(8);
  batch.columns.width = Float64Array.of(256, 0.5, 256, 256, 256, 256, 256, 256);
  const out = decodeMessage(marked(encoder.encode(batch)), origin, limits, now);
  assert.equal(out.events.length, 7);
  assert.equal(out.dead[0].code, 'bad_event');
  assert.match(out.dead[0].reason, /^1 of 8 events refused; event 1: \/input\/width/);
});
