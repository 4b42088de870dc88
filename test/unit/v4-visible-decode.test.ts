// A scan worker's decode_ms is the decoding an image waited for: overlap with the inference before
// it is hidden, not reported as decoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleDecodeMs } from '../../v4/pool/visible-decode.ts';

test('an image decoded with nothing before it reports its whole decoding', () => {
  assert.equal(visibleDecodeMs(100, 3, 0), 3);
  assert.equal(visibleDecodeMs(100, 3, 100), 3, 'the inference before it ended as it started');
});

test('decoding that overlapped the inference before it counts only after that inference ended', () => {
  assert.equal(visibleDecodeMs(100, 6, 104), 2);
});

test('decoding hidden wholly behind the inference before it reports none', () => {
  assert.equal(visibleDecodeMs(100, 6, 106), 0);
  assert.equal(visibleDecodeMs(100, 3, 110), 0, 'never negative');
});
