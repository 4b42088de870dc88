import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patience, PATIENCE, waitFor } from '../harness/services.ts';

test('STARWATCH_TEST_PATIENCE: default 3, any number > 0, anything else refused', () => {
  assert.equal(patience(undefined), 3);
  assert.equal(patience(''), 3);
  assert.equal(patience('0.5'), 0.5);
  for (const bad of ['0', '-1', 'abc', 'Infinity']) assert.throws(() => patience(bad), RangeError, bad);
});

test('the harness waitFor stretches the deadline by PATIENCE', async () => {
  const started = Date.now();
  await assert.rejects(waitFor(() => false, { timeoutMs: 100, intervalMs: 10 }), new RegExp(`timed out after ${100 * PATIENCE} ms`));
  assert.ok(Date.now() - started >= 100 * PATIENCE, 'it waited the stretched deadline');
});
