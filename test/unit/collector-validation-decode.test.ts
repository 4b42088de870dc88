// A message on the validation subject -> a `validation` point typed by the contract, or a dead
// letter with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValidation } from '../../collector/validation/decode.ts';
import { VALIDATION_SUBJECT } from '../../schemas/subjects.ts';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const summary = (fields: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  measurement: 'validation',
  tags: { model_version: '4.1.0', dataset: 'holdout', kind: 'run', stream: 'none' },
  fields,
  ts_ns: '1732350000123000000',
  int_fields: ['images'],
  ...over,
});

test('a valid summary becomes a point; integer fields by the contract, whatever int_fields says', () => {
  const out = decodeValidation(encode(summary({ run_id: 'r1', images: 12, rank: 2, fpr: 0.01, passed: true }, { int_fields: [] })), VALIDATION_SUBJECT, 100);
  assert.ok('point' in out);
  assert.deepEqual(out.point, {
    measurement: 'validation',
    tags: { model_version: '4.1.0', dataset: 'holdout', kind: 'run', stream: 'none' },
    fields: { run_id: 'r1', images: 12n, rank: 2n, fpr: 0.01, passed: true },
    timestampNs: '1732350000123000000',
  });
});

test('what is not a valid summary becomes a dead letter with the reason, cut to size', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    ['{nope', 'not_json', /JSON/],
    [summary({ images: 3 }), 'bad_validation', /run_id/],
    [summary({ run_id: 'r', images: 2.5 }), 'bad_validation', /images/],
    [summary({ run_id: 'r', colour: 'blue' }), 'bad_validation', /additional properties/],
    [summary({ run_id: 'r' }, { ts_ns: 'yesterday' }), 'bad_validation', /ts_ns/],
    [{ ...summary({ run_id: 'r' }), tags: { model_version: '4', dataset: 'd', kind: 'maybe', stream: 'none' } }, 'bad_validation', /kind/],
    [summary({ run_id: 'r' }, { measurement: 'window' }), 'bad_validation', /measurement/],
  ];
  for (const [input, code, reason] of cases) {
    const out = decodeValidation(encode(input), VALIDATION_SUBJECT, 20);
    assert.ok('dead' in out, JSON.stringify(input));
    assert.equal(out.dead.code, code);
    assert.match(out.dead.reason, reason);
    assert.deepEqual(out.dead.origin, { subject: VALIDATION_SUBJECT });
    assert.ok(out.dead.payload.length <= 20);
  }
});
