// The compiled validators' reasons: the first error with where it is, the root read as "/" (an
// empty path would leave a reason that starts with a blank and names no place).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { validator } from '../../schemas/validate.ts';

const check = validator(Type.Object({ id: Type.String(), latency: Type.Object({ total_ms: Type.Number() }) }));

test('validator: a reason names the path of the first error, the root as "/"', () => {
  assert.deepEqual(check(42), { ok: false, reason: '/ must be object' });
  assert.deepEqual(check({ latency: { total_ms: 1 } }), { ok: false, reason: "/ must have required property 'id'" });
  assert.deepEqual(check({ id: 'a', latency: { total_ms: 'slow' } }), { ok: false, reason: '/latency/total_ms must be number' });
  assert.deepEqual(check({ id: 'a', latency: { total_ms: 1 } }), { ok: true, value: { id: 'a', latency: { total_ms: 1 } } });
});
