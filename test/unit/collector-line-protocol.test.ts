import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeKey, escapeMeasurement, formatLine, quoteString } from '../../collector/sinks/line-protocol.ts';

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
