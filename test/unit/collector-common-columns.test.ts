import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainRows } from '../../collector/consume/common-columns.ts';
import { toColumns, rowOf, type EventColumns } from '../../schemas/event-columns.ts';
import { InferenceEvent } from '../../schemas/inference-event.ts';
import { validator } from '../../schemas/validate.ts';
import { fullEvent } from '../fixtures/collector-events.ts';

const schema = validator(InferenceEvent);
const event = fullEvent;
const batchOf = (): EventColumns => toColumns('agent_a-1', 1, [structuredClone(event)]);
type Edit = (b: EventColumns, c: Record<string, unknown[]>) => void;
const edits: Record<string, Edit> = {
  'no outputs, an error': (_, c) => {
    for (const k of ['stego_prob', 'is_stego', 'method', 'method_prob', 'bit_order']) c[k][0] = null;
    c.error_code[0] = 'decode_failed';
  },
  'null method fields': (_, c) => (c.method[0] = c.method_prob[0] = c.bit_order[0] = null),
  'a null label': (_, c) => (c.label = [null]),
  'a label (left to the schema)': (_, c) => (c.label = [{ category: 'clean' }]),
  'a bad label': (_, c) => (c.label = [{ category: 'maybe' }]),
  'outputs half null': (_, c) => (c.is_stego[0] = null),
  'is_stego without stego_prob': (_, c) => (c.stego_prob[0] = null),
  'agent_id with a space': (b) => (b.agent_id = 'a b'),
  'empty event_id': (_, c) => (c.event_id[0] = ''),
  'long event_id': (_, c) => (c.event_id[0] = 'x'.repeat(65)),
  '64 emoji event_id (128 UTF-16 units)': (_, c) => (c.event_id[0] = '😀'.repeat(64)),
  'event_id a number': (_, c) => (c.event_id[0] = 5),
  'ts_ns with a letter': (_, c) => (c.ts_ns[0] = '12a'),
  'ts_ns too long': (_, c) => (c.ts_ns[0] = '1'.repeat(21)),
  'ts_ns a number': (_, c) => (c.ts_ns[0] = 17),
  'unknown source': (_, c) => (c.source[0] = 'other'),
  'model index out of range': (_, c) => (c.model[0] = 1),
  'model index a string': (_, c) => (c.model[0] = '0'),
  'model index fractional': (_, c) => (c.model[0] = 0.5),
  'long format': (_, c) => (c.format[0] = 'x'.repeat(17)),
  'format null': (_, c) => (c.format[0] = null),
  'fractional bytes': (_, c) => (c.bytes[0] = 1.5),
  'negative width': (_, c) => (c.width[0] = -1),
  'string height': (_, c) => (c.height[0] = '1'),
  'negative timing': (_, c) => (c.infer_ms[0] = -0.1),
  'infinite timing': (_, c) => (c.total_ms[0] = Infinity),
  'timing null': (_, c) => (c.decode_ms[0] = null),
  'prob above 1': (_, c) => (c.stego_prob[0] = 1.01),
  'is_stego as number': (_, c) => (c.is_stego[0] = 1),
  'unknown method': (_, c) => (c.method[0] = 'dct'),
  'method_prob below 0': (_, c) => (c.method_prob[0] = -0.5),
  'unknown bit order': (_, c) => (c.bit_order[0] = 'middle'),
  'long error_code': (_, c) => (c.error_code[0] = 'e'.repeat(65)),
  'error_code a number': (_, c) => (c.error_code[0] = 5),
};
const apply = (name: string) => {
  const batch = batchOf();
  edits[name](batch, batch.columns as unknown as Record<string, unknown[]>);
  return { plain: plainRows(batch)[0] === 1, schemaOk: schema(rowOf(batch, 0)).ok };
};

test('a plain column row passes the fast check and the schema', () => {
  const batch = batchOf();
  assert.equal(plainRows(batch)[0], 1);
  assert.equal(schema(rowOf(batch, 0)).ok, true);
});

for (const name of Object.keys(edits)) {
  test(`the column check never accepts what the schema refuses: ${name}`, () => {
    const { plain, schemaOk } = apply(name);
    if (plain) assert.equal(schemaOk, true);
  });
}

test('the column check does say yes to common variants and no to bad ones', () => {
  for (const name of ['no outputs, an error', 'null method fields', 'a null label']) assert.equal(apply(name).plain, true, name);
  for (const name of ['a label (left to the schema)', 'outputs half null', 'model index out of range', 'infinite timing', 'agent_id with a space'])
    assert.equal(apply(name).plain, false, name);
  assert.equal(apply('a label (left to the schema)').schemaOk, true, 'the schema takes a good label');
});

test('one doubtful row leaves the others plain', () => {
  const batch = toColumns('agent_a-1', 1, [0, 1, 2].map((i) => ({ ...structuredClone(event), event_id: `ev-${i}` })));
  batch.columns.total_ms[1] = -1;
  assert.deepEqual([...plainRows(batch)], [1, 0, 1]);
});
