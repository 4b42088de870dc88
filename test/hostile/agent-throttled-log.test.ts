// Refusals repeat once per hostile request; their log lines must not: at most one line per
// kind per interval, saying how many were held back.
import { byLevel } from '../../log/logger.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThrottledLog } from '../../log/rate-limited.ts';

test('one line per kind per interval, then a line that counts the ones held back', () => {
  const lines: string[] = [];
  let now = 0;
  const log = new ThrottledLog(byLevel((level, m) => level === 'warn' && lines.push(m)), 10_000, () => now);
  for (let i = 0; i < 1000; i++) log.warn('in_flight', 'refused');
  log.warn('pixels', 'refused pixels');
  assert.deepEqual(lines, ['refused', 'refused pixels']);
  now = 10_000;
  log.warn('in_flight', 'refused');
  assert.equal(lines.at(-1), 'refused (and 999 more like it since the last line)');
  assert.equal(lines.length, 3);
});
