import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCommonEvent } from '../../collector/consume/common-event.ts';
import { InferenceEvent } from '../../schemas/inference-event.ts';
import { validator } from '../../schemas/validate.ts';
import { fullEvent } from '../fixtures/collector-events.ts';

const schema = validator(InferenceEvent);
const good = fullEvent;
type Edit = (e: any) => void;
const edits: Record<string, Edit> = {
  'no outputs, an error': (e) => ((e.outputs = null), (e.error_code = 'decode_failed')),
  'null method fields': (e) => Object.assign(e.outputs, { method: null, method_prob: null, bit_order: null }),
  'a label (left to the schema)': (e) => (e.label = { category: 'clean' }),
  'v 2': (e) => (e.v = 2),
  'an extra key': (e) => (e.extra = 1),
  'an extra key in place of a missing one': (e) => ((e.extra = null), delete e.error_code),
  'missing outputs': (e) => delete e.outputs,
  'missing method_prob': (e) => delete e.outputs.method_prob,
  'extra key in model': (e) => (e.model.x = 1),
  'extra key in outputs, one missing': (e) => ((e.outputs.x = null), delete e.outputs.bit_order),
  'empty event_id': (e) => (e.event_id = ''),
  'long event_id': (e) => (e.event_id = 'x'.repeat(65)),
  '64 emoji event_id (128 UTF-16 units)': (e) => (e.event_id = '😀'.repeat(64)),
  'agent_id with a space': (e) => (e.agent_id = 'a b'),
  'ts_ns with a letter': (e) => (e.ts_ns = '12a'),
  'ts_ns too long': (e) => (e.ts_ns = '1'.repeat(21)),
  'ts_ns a number': (e) => (e.ts_ns = 17),
  'unknown source': (e) => (e.source = 'other'),
  'bad sha256': (e) => (e.model.sha256 = 'A'.repeat(64)),
  'empty model id': (e) => (e.model.id = ''),
  'long format': (e) => (e.input.format = 'x'.repeat(17)),
  'fractional bytes': (e) => (e.input.bytes = 1.5),
  'negative width': (e) => (e.input.width = -1),
  'string height': (e) => (e.input.height = '1'),
  'negative timing': (e) => (e.timings.infer_ms = -0.1),
  'prob above 1': (e) => (e.outputs.stego_prob = 1.01),
  'is_stego as number': (e) => (e.outputs.is_stego = 1),
  'unknown method': (e) => (e.outputs.method = 'dct'),
  'method_prob below 0': (e) => (e.outputs.method_prob = -0.5),
  'unknown bit order': (e) => (e.outputs.bit_order = 'middle'),
  'long error_code': (e) => (e.error_code = 'e'.repeat(65)),
  'error_code a number': (e) => (e.error_code = 5),
  'model an array': (e) => (e.model = []),
  'outputs a string': (e) => (e.outputs = 'x'),
};

test('the common shape passes the fast check', () => {
  assert.equal(isCommonEvent(structuredClone(good)), true);
  assert.equal(schema(structuredClone(good)).ok, true);
});

for (const [name, edit] of Object.entries(edits)) {
  test(`the fast check never accepts what the schema refuses: ${name}`, () => {
    const event = structuredClone(good);
    edit(event);
    const schemaOk = schema(structuredClone(event)).ok;
    if (isCommonEvent(event)) assert.equal(schemaOk, true);
  });
}

test('the fast check does say yes to common variants and no to bad ones', () => {
  const apply = (name: string) => {
    const event = structuredClone(good);
    edits[name](event);
    return isCommonEvent(event);
  };
  assert.equal(apply('no outputs, an error'), true);
  assert.equal(apply('null method fields'), true);
  assert.equal(apply('an extra key'), false);
  assert.equal(apply('an extra key in place of a missing one'), false);
  assert.equal(apply('64 emoji event_id (128 UTF-16 units)'), false);
  assert.equal(isCommonEvent(null), false);
  assert.equal(isCommonEvent([good]), false);
});
