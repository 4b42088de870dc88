// The shared Ajv instance's options, pinned (found by mutation testing, README "Testing"): a
// schema may carry a keyword Ajv does not know (an annotation such as a unit) without failing
// to compile, which Ajv's default strict mode would refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { validator } from '../../schemas/validate.ts';

test('validator: a schema with a keyword Ajv does not know compiles and still checks', () => {
  const check = validator(Type.Object({ total_ms: Type.Number({ unit: 'ms' }) }));
  assert.deepEqual(check({ total_ms: 3 }), { ok: true, value: { total_ms: 3 } });
  assert.deepEqual(check({ total_ms: '3' }), { ok: false, reason: '/total_ms must be number' });
});
