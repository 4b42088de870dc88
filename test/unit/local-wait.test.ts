// waitFor's timeout names the latest check's error only: an error from an early check (a database
// not created yet) must not stand for checks that later ran without failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../deploy/local/wait.ts';

test('a timeout names the error of the latest check, not of an earlier one', async () => {
  let calls = 0;
  const check = () => {
    calls++;
    if (calls === 1) throw new Error('database not found');
    return false;
  };
  await assert.rejects(waitFor(check, { timeoutMs: 50, intervalMs: 5, what: 'the total' }), (e: Error) => {
    assert.equal(e.message, 'timed out after 50 ms waiting for the total');
    return true;
  });
  assert.ok(calls > 1, `checked ${calls} times`);
});

test('a timeout whose latest check threw says why', async () => {
  await assert.rejects(
    waitFor(() => { throw new Error('connection refused'); }, { timeoutMs: 30, intervalMs: 5, what: 'the server' }),
    /^Error: timed out after 30 ms waiting for the server: connection refused$/,
  );
});
