import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeKey, escapeMeasurement, formatLine, quoteString, formatNumber } from '../../collector/sinks/line-protocol.ts';

test('measurement names escape comma and space only', () => {
  assert.equal(escapeMeasurement('a b,c=d'), 'a\\ b\\,c=d');
});

test('tag keys, tag values and field keys escape comma, equals and space', () => {
  assert.equal(escapeKey('a b,c=d'), 'a\\ b\\,c\\=d');
});

test('a trailing backslash cannot escape the separator after it (line protocol cannot hold one)', () => {
  assert.equal(escapeKey('dir\\'), 'dir_');
  assert.equal(escapeKey('a\\b\\\\'), 'a\\b__');
});

test('newlines never reach a line', () => {
  assert.equal(escapeKey('a\nb'), 'a\\ b');
  assert.equal(quoteString('x\ny'), '"x\\ny"');
});

test('string fields quote and escape quotes and backslashes', () => {
  assert.equal(quoteString('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
});

test('formatLine: sorted tags, typed fields, empty tags and non-finite numbers left out', () => {
  const line = formatLine({
    measurement: 'window',
    tags: { model_version: 'v 1', agent: '*', empty: '' },
    fields: { count: 5n, rate: 0.25, ok: true, note: 'a"b', bad: Number.NaN, inf: Infinity },
    timestampNs: '1700000000000000000',
  });
  assert.equal(line, 'window,agent=*,model_version=v\\ 1 count=5i,rate=0.25,ok=true,note="a\\"b" 1700000000000000000');
});

test('formatLine: a point with no writable field is no line', () => {
  assert.equal(formatLine({ measurement: 'm', tags: {}, fields: { x: Number.NaN }, timestampNs: '1' }), undefined);
});

test('formatNumber prints every number exactly as String does', () => {
  const values = [0, -0, 1e-6, 1e-7, -1, -0.5, 0.1 + 0.2, 2147.483647, 2147.483648, 1e21, 123456789.123, Number.MAX_VALUE, Number.MIN_VALUE];
  for (let micros = 0; micros < 3_000_000; micros += 7) values.push(micros / 1e6);
  for (let ms = 0; ms < 200_000; ms++) values.push(ms / 1000);
  let seed = 42;
  for (let i = 0; i < 100_000; i++) values.push(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 3000);
  for (const x of values) assert.equal(formatNumber(x), String(x), `${x}`);
});
