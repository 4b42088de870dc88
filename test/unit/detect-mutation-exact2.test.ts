// Exact checks of the adaptive detector's small parts that the first mutation run of
// collector/detect left unchecked (README "Testing"): the time ring's edges before it is full,
// the running sums' rebuild, scores of infinite deviations, a period forecast with a gap, and the
// series reader's trimming and timestamp forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyLikelihood } from '../../collector/detect/anomaly-likelihood.ts';
import { EwmaCusumDetector } from '../../collector/detect/ewma-cusum.ts';
import { levelPredictor, periodPredictor } from '../../collector/detect/predictors.ts';
import { RollingWindow } from '../../collector/detect/rolling-window.ts';
import { RunningStats } from '../../collector/detect/running-stats.ts';
import { TimeRing } from '../../collector/detect/time-ring.ts';
import { parseSeriesCsv, parseTimestamp } from '../../collector/detect/series-csv.ts';
import { scoreOf } from '../../collector/detect/types.ts';

test('time ring, not yet full: slots never written are not points, before or after the ones kept', () => {
  assert.throws(() => new TimeRing(1), /capacity must be >= 2, got 1/);
  const two = new TimeRing(2);
  two.push(1, 1);
  two.push(2, 2);
  two.push(3, 3);
  assert.deepEqual([two.oldestTs(), two.latestTs(), two.recent(0), two.recent(1)], [2, 3, 3, 2], 'a capacity of 2 is enough');
  const ring = new TimeRing(5);
  ring.push(10, 1);
  ring.push(20, 2);
  assert.deepEqual([ring.oldestTs(), ring.latestTs(), ring.recent(0), ring.recent(1)], [10, 20, 2, 1]);
  // An unwritten slot holds time 0: nearer to these than any point, so reading it would answer 0.
  assert.equal(ring.near(0, 10), 1, 'before the oldest');
  const negative = new TimeRing(5);
  negative.push(-100, 1);
  negative.push(-90, 2);
  assert.equal(negative.near(-5, 100), 2, 'after the latest');
});

test('running stats: a window of 1; removing a value other than 1; sums rebuilt every `size` pushes', () => {
  assert.throws(() => new RunningStats(0), /window size must be >= 1, got 0/);
  const one = new RunningStats(1);
  one.push(4);
  one.push(7);
  assert.deepEqual([one.mean(), one.variance()], [7, 0]);
  const s = new RunningStats(4);
  for (const v of [2, 3, 4, 5, 6]) s.push(v); // 2 leaves by subtraction, before the next rebuild
  assert.deepEqual([s.mean(), s.variance()], [4.5, 1.25]);
  // 1e17 swallows the 1 beside it; once it leaves, only a rebuild (due at the 4th push) gets the sum back.
  const big = new RunningStats(2);
  for (const v of [1, 1e17, 1, 1]) big.push(v);
  assert.deepEqual([big.mean(), big.variance()], [1, 0]);
});

test('score of a deviation that is not finite: 1 for +Infinity, 0 for -Infinity and NaN', () => {
  assert.equal(scoreOf(Number.POSITIVE_INFINITY, 3), 1);
  assert.equal(scoreOf(Number.NEGATIVE_INFINITY, 3), 0);
  assert.equal(scoreOf(Number.NaN, 3), 0);
  assert.equal(scoreOf(3, 3), 0.5);
});

test('predictors: the level is named; a missing past period is left out of the median, not read as NaN', () => {
  assert.equal(levelPredictor(1).name, 'level');
  assert.equal(periodPredictor('24h', 30, 3).name, '24h');
  const ring = new TimeRing(20);
  for (let ts = 40; ts <= 90; ts += 10) ring.push(ts, ts === 40 ? 10 : 1);
  // From 100, one period back is 70 (1), two is 40 (10), three is 10: not kept.
  assert.equal(periodPredictor('p', 30, 3).predict(ring, 100, 10), 5.5);
});

test('series csv: a comment or blank line with leading spaces is skipped; decimals and dates as timestamps', () => {
  const { points, bad } = parseSeriesCsv('timestamp,value\n  # a note\n   \n1000,1');
  assert.deepEqual([points.length, bad], [1, []]);
  assert.equal(parseTimestamp('1.25'), 1250, 'seconds with two decimals');
  assert.equal(parseTimestamp('2025-01-01'), Date.UTC(2025, 0, 1), 'a date that ends in digits is not a number');
});

test('likelihood: the recent mean is judged against past means from the point the history holds meansAfter of them', () => {
  // shortWindow 2: the 5th point leaves three means (and three single surprises) in the history,
  // all 0.1, so both references are the same and the means path gives exactly half the score.
  const options = { shortWindow: 2, longWindow: 100, minStd: 0.1, pointWeight: 0 };
  const means = new AnomalyLikelihood({ ...options, meansAfter: 3 });
  const single = new AnomalyLikelihood({ ...options, meansAfter: Number.POSITIVE_INFINITY });
  for (let i = 0; i < 4; i++) assert.equal(means.update(0.1), single.update(0.1), `point ${i + 1}: not yet three means`);
  const a = means.update(1);
  const b = single.update(1);
  assert.ok(b > 0.1, `the break scores: ${b}`);
  assert.equal(a, b / 2);
});

test('ewma-cusum: named in its verdicts', () => {
  assert.equal(new EwmaCusumDetector().name, 'ewma-cusum');
});

test('rolling window: the largest value kept, NaN when empty', () => {
  const w = new RollingWindow(3);
  assert.ok(Number.isNaN(w.max()));
  for (const v of [3, 9, 1, 2]) w.push(v);
  assert.equal(w.max(), 9);
  w.push(4); // drops 9
  assert.equal(w.max(), 4);
});
