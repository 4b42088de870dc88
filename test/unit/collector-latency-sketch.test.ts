import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as hdr from 'hdr-histogram-js';
import { LatencySketch, SETTINGS, countsIndexOf, recordFast } from '../../collector/windows/latency-sketch.ts';

const build = () => hdr.build(SETTINGS) as hdr.JsHistogram;

test("the bucket of a value is the library's own, at every power of two and around it", () => {
  const h = build();
  const values: number[] = [];
  for (let v = 1; v <= 1 << 16; v++) values.push(v);
  for (let k = 16; k < 31; k++) values.push(2 ** k - 1, 2 ** k, 2 ** k + 1, 3 * 2 ** (k - 1));
  values.push(2 ** 31 - 1);
  for (const v of values) assert.equal(countsIndexOf(h, v), h.countsArrayIndex(v), `value ${v}`);
});

test('recording fast makes the very histogram recordValue makes, past its range included', () => {
  const fast = build();
  const slow = build();
  // Three decades of microseconds, then values that make the histogram grow (past 60 s and 2^31).
  const values = Array.from({ length: 20_000 }, (_, i) => 1 + ((i * 7919) % 9_000_000));
  values.push(60_000_001, 2 ** 31 + 5, 3, 2 ** 33);
  for (const v of values) {
    recordFast(fast, v);
    slow.recordValue(v);
  }
  assert.equal(fast.totalCount, values.length);
  assert.equal(fast.minNonZeroValue, slow.minNonZeroValue);
  assert.equal(fast.maxValue, slow.maxValue);
  for (const p of [1, 50, 95, 99, 99.9, 100]) assert.equal(fast.getValueAtPercentile(p), slow.getValueAtPercentile(p), `p${p}`);
  assert.equal(hdr.encodeIntoCompressedBase64(fast), hdr.encodeIntoCompressedBase64(slow));
});

test('a sketch records milliseconds to the microsecond and survives encoding', () => {
  const sketch = LatencySketch.empty();
  for (const ms of [0, 0.0004, 1.5, 6.25, 6.25, 120]) sketch.recordMs(ms);
  assert.equal(sketch.count, 6);
  // Three significant digits: within 0.1% of the slowest.
  assert.ok(Math.abs(sketch.percentileMs(100) - 120) <= 0.12, `p100 ${sketch.percentileMs(100)}`);
  const back = LatencySketch.decode(sketch.encode());
  assert.equal(back.count, 6);
  for (const p of [10, 50, 90, 100]) assert.equal(back.percentileMs(p), sketch.percentileMs(p));
  // 0 and 0.4 us count as 1 us: the lowest value the sketch tells apart.
  assert.equal(sketch.percentileMs(25), 0.001);
});
