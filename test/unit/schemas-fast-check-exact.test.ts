// The fast check with both a pattern and a minimum length holds the minimum itself, even where
// the pattern would let an empty string through (found by mutation testing, README "Testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { fastCheckOf } from '../../schemas/fast-check.ts';

test('fast check: a pattern that allows the empty string does not lift minLength 1', () => {
  const check = fastCheckOf(Type.String({ minLength: 1, pattern: '^[a-c]*$' }));
  assert.deepEqual(['', 'a', 'abc', 'abd'].map(check), [false, true, true, false]);
});
