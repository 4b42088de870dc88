// EventBatch v3 (schemas/compact-columns.ts): columns sent as dictionaries or integer units must
// come back as the very values the agent had, and a compacted batch a hostile sender bends must be
// one bad_batch, never a wrong value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactColumn, compactColumns, CompactColumns, expandColumns, MAX_DICTIONARY, MAX_PACKED_LENGTH } from '../../schemas/compact-columns.ts';
import { MAX_BATCH_EVENTS } from '../../schemas/inference-event.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import { validator } from '../../schemas/validate.ts';
import { decodeMessage } from '../../collector/consume/decode.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const checkCompact = validator(CompactColumns);
const limits = { maxFutureMs: 60_000, maxPayloadChars: 200 };
const origin = { subject: 'starwatch.v1.events.agent-a', stream_seq: 7 };
const now = 1_700_000_000_000;
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** What the collector reads back from a column sent as the agent sends it. */
function roundTrip(values: unknown[]): unknown[] {
  const wire = JSON.parse(JSON.stringify(compactColumn(values)));
  if (Array.isArray(wire)) return wire;
  const batch = { v: 3, agent_id: 'a', seq: 0, n: values.length, models: [], columns: { event_id: wire } } as never;
  const expanded = expandColumns(batch);
  assert.ok(expanded.ok);
  return (expanded.value as { columns: Record<string, unknown[]> }).columns.event_id;
}

test('timings and probabilities go as integer units and come back as the same numbers', () => {
  const timings = Array.from({ length: 500 }, (_, i) => Math.round(((i * 7919) % 100_000) / 7) / 1000);
  assert.deepEqual(compactColumn(timings.slice(0, 3)), { decimals: 3, units: timings.slice(0, 3).map((t) => Math.round(t * 1000)) });
  assert.deepEqual(roundTrip(timings), timings);
  const probs = Array.from({ length: 500 }, (_, i) => ((i * 104_729) % 1_000_000) / 1e6);
  assert.deepEqual(roundTrip(probs), probs);
  assert.equal((compactColumn(probs) as { decimals: number }).decimals, 6);
});

test('numbers that units cannot carry exactly stay a plain array', () => {
  for (const values of [
    [0.1 + 0.2, 1.5], // 0.30000000000000004: 17 decimals
    [1e-10, 2],
    [Math.PI, 1],
    [1, 2, 3], // whole: as short as plain
    [2 ** 53 / 10 + 0.5, 1.5], // units past 2^53
    [1.5, 'x'],
    [1.5, null],
  ]) {
    assert.ok(Array.isArray(compactColumn(values)), JSON.stringify(values));
    assert.deepEqual(roundTrip(values), JSON.parse(JSON.stringify(values)));
  }
});

test('strings that repeat go as a dictionary; distinct ones as packed text, unless not printable ASCII', () => {
  const formats = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 'JPEG' : i % 7 === 0 ? null : 'PNG'));
  const wire = compactColumn(formats) as { dictionary: unknown[]; indexes: number[] };
  assert.deepEqual(wire.dictionary, ['JPEG', 'PNG', null]);
  assert.deepEqual(roundTrip(formats), formats);
  const ids = Array.from({ length: 40 }, (_, i) => `ev-${i}`);
  assert.deepEqual(compactColumn(ids.slice(0, 3)), { text: 'ev-0ev-1ev-2', lengths: [4, 4, 4] }, 'ids are all distinct');
  assert.deepEqual(roundTrip(ids), ids);
  const times = Array.from({ length: 40 }, (_, i) => `1700000000000${String(i).padStart(6, '0')}`);
  assert.deepEqual(roundTrip(times), times);
  for (const odd of [['a', 'é', 'b', 'c'], ['a', 'tab\t', 'b', 'c'], ['a', 'x'.repeat(MAX_PACKED_LENGTH + 1), 'b', 'c'], ['a', '', 'b', null]]) {
    assert.ok(Array.isArray(compactColumn(odd)), JSON.stringify(odd).slice(0, 40));
    assert.deepEqual(roundTrip(odd), odd);
  }
  assert.deepEqual(roundTrip(['', 'a', '', 'bc']), ['', 'a', '', 'bc'], 'empty strings are pieces too');
  const many = Array.from({ length: 4 * (MAX_DICTIONARY + 1) }, (_, i) => `code-${i % (MAX_DICTIONARY + 1)}`);
  assert.ok('text' in compactColumn(many), `more than ${MAX_DICTIONARY} distinct values: packed, not a dictionary`);
  assert.deepEqual(roundTrip(many), many);
  assert.ok(Array.isArray(compactColumn([{ category: 'clean' }, null, null, null])), 'labels are objects');
});

test('booleans go as a dictionary', () => {
  const flags = Array.from({ length: 40 }, (_, i) => i % 9 === 0);
  assert.deepEqual((compactColumn(flags) as { dictionary: unknown[] }).dictionary, [true, false]);
  assert.deepEqual(roundTrip(flags), flags);
});

test('a v3 batch decodes to the very events of its v2 batch', () => {
  const events = Array.from({ length: 64 }, (_, i) =>
    makeEvent({ id: `ev-${i}`, tsMs: now - 64 + i, prob: ((i * 37) % 1000) / 1000, totalMs: 1 + i / 1000, format: i % 5 ? 'PNG' : 'JPEG', error: i % 9 === 0 ? 'CORRUPT_IMAGE' : undefined, label: i === 3 ? { category: 'clean' } : undefined }),
  );
  const v3 = compactColumns(toColumns('agent-a', 5, events));
  assert.ok(checkCompact(v3).ok);
  for (const name of ['total_ms', 'format', 'is_stego'] as const) assert.ok(!Array.isArray(v3.columns[name]), `${name} is compacted`);
  const out = decodeMessage(bytes(v3), origin, limits, now);
  assert.deepEqual(out.dead, []);
  assert.deepEqual(out.events.map((e) => e.event), events);
});

test('a bent v3 batch is one bad_batch that says where, and yields no event; the schema refuses it too', () => {
  const events = Array.from({ length: 8 }, (_, i) => makeEvent({ id: `ev-${i}`, tsMs: now, nsPart: i, totalMs: 1.5 + i / 1000 }));
  const bent: [string, (c: Record<string, any>) => void, RegExp][] = [
    ['index past the dictionary', (c) => (c.source.indexes[3] = 1), /^\/columns\/source\/indexes\/3 is 1, not an index of the dictionary's 1 values$/],
    ['index not an integer', (c) => (c.source.indexes[0] = 0.5), /^\/columns\/source\/indexes\/0 is 0.5, not an index/],
    ['index a string', (c) => (c.source.indexes[0] = '0'), /^\/columns\/source\/indexes\/0 is "0", not an index/],
    ['a unit not an integer', (c) => (c.total_ms.units[2] = 1.5), /^\/columns\/total_ms\/units\/2 is 1.5, not a safe integer$/],
    ['a unit past 2^53', (c) => (c.total_ms.units[2] = 2 ** 60), /^\/columns\/total_ms\/units\/2 is \d+, not a safe integer$/],
    ['a unit null', (c) => (c.total_ms.units[2] = null), /^\/columns\/total_ms\/units\/2 is null, not a safe integer$/],
    ['too many decimals', (c) => (c.total_ms.decimals = 10), /^\/columns\/total_ms/],
    ['a dictionary too large', (c) => (c.source.dictionary = Array.from({ length: MAX_DICTIONARY + 1 }, () => 'scan')), /^\/columns\/source/],
    ['a form of its own', (c) => (c.source = { repeat: 'scan' }), /^\/columns\/source/],
    ['an unknown column', (c) => (c.extra = { decimals: 1, units: [1] }), /^\/columns/],
    ['a column named __proto__', (c) => Object.defineProperty(c, '__proto__', { value: { decimals: 1, units: [1] }, enumerable: true }), /^\/columns must NOT have additional properties$/],
    ['more units than a batch has events', (c) => (c.total_ms.units = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => 1)), /^\/columns\/total_ms\/units must be an array of at most 10000 integers$/],
    ['more indexes than a batch has events', (c) => (c.source.indexes = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => 0)), /^\/columns\/source\/indexes must be an array of at most 10000 integers$/],
    ['a dictionary of objects', (c) => (c.source.dictionary = [{}]), /^\/columns\/source\/dictionary must be an array of 1 to 64 strings, booleans or nulls$/],
    ['an empty dictionary', (c) => (c.source.dictionary = []), /^\/columns\/source\/dictionary must be/],
    ['no columns', (c) => Object.keys(c).forEach((k) => delete c[k]), /^\/columns must have required property/],
    ['units that do not line up', (c) => c.total_ms.units.pop(), /^\/columns\/total_ms has 7 values, n is 8$/],
    ['packed lengths short of the text', (c) => c.event_id.lengths[0]--, /^\/columns\/event_id\/lengths add up to \d+, the text has \d+ characters$/],
    ['packed lengths past the text', (c) => (c.event_id.lengths[7] += 5), /^\/columns\/event_id\/lengths add up to/],
    ['a packed length negative', (c) => (c.event_id.lengths[1] = -1), /^\/columns\/event_id\/lengths\/1 is -1, not a length from 0 to 1024$/],
    ['a packed length too long', (c) => (c.event_id.lengths[1] = MAX_PACKED_LENGTH + 1), /^\/columns\/event_id\/lengths\/1 is 1025, not a length/],
    ['packed text a number', (c) => (c.event_id.text = 5), /^\/columns\/event_id\/text must be a string/],
  ];
  // What JSON Schema cannot say: an index within its own dictionary, and lengths equal to n (left
  // to columnsMisfit after expanding, as for v2 batches).
  const schemaSees = (what: string) => !['units that do not line up', 'index past the dictionary', 'packed lengths short of the text', 'packed lengths past the text'].includes(what);
  for (const [what, bend, reason] of bent) {
    const v3 = structuredClone(compactColumns(toColumns('agent-a', 5, events))) as { columns: Record<string, any> };
    assert.ok(!Array.isArray(v3.columns.source) && !Array.isArray(v3.columns.total_ms) && !Array.isArray(v3.columns.event_id));
    bend(v3.columns);
    if (schemaSees(what)) assert.equal(checkCompact(v3).ok, false, `the schema refuses it too: ${what}`);
    const out = decodeMessage(bytes(v3), origin, limits, now);
    assert.deepEqual(out.events, [], what);
    assert.equal(out.dead.length, 1, what);
    assert.equal(out.dead[0].code, 'bad_batch', what);
    assert.match(out.dead[0].reason, reason, what);
  }
});
