// Exact checks of the detectors' building blocks: the rolling window's median and MAD as the ring
// wraps, robust z at its warm-up, scale floors and threshold, the composite's choice of verdict,
// and the series reader's row rules. Found by mutation testing (README "Testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, medianOfSorted, RollingWindow } from '../../collector/detect/rolling-window.ts';
import { RobustZDetector } from '../../collector/detect/robust-z.ts';
import { CompositeDetector } from '../../collector/detect/composite.ts';
import { parseSeriesCsv, parseTimestamp } from '../../collector/detect/series-csv.ts';
import { EwmaCusumDetector } from '../../collector/detect/ewma-cusum.ts';
import type { AnomalyPoint, Detector } from '../../collector/detect/types.ts';

test('rolling window: keeps the last `size` values, sorted, as the ring wraps', () => {
  const w = new RollingWindow(3);
  assert.deepEqual([w.length, w.full], [0, false]);
  assert.ok(Number.isNaN(w.median()));
  for (const v of [5, 1, 3]) w.push(v);
  assert.deepEqual([w.length, w.full, [...w.values()]], [3, true, [1, 3, 5]]);
  w.push(4); // drops 5
  assert.deepEqual([...w.values()], [1, 3, 4]);
  w.push(2); // drops 1
  assert.deepEqual([...w.values()], [2, 3, 4]);
  w.push(9); // drops 3
  assert.deepEqual([...w.values()], [2, 4, 9]);
  w.push(9); // drops 4 (the ring is back at its start)
  assert.deepEqual([...w.values()], [2, 9, 9]);
  w.push(0); // drops 2
  assert.deepEqual([...w.values()], [0, 9, 9]);
  assert.equal(w.length, 3);
  // Duplicates: dropping one copy keeps the other.
  const d = new RollingWindow(2);
  for (const v of [7, 7, 1]) d.push(v);
  assert.deepEqual([...d.values()], [1, 7]);
  assert.throws(() => new RollingWindow(0), /window size must be >= 1, got 0/);
  assert.throws(() => new RollingWindow(1.5), /window size must be >= 1/);
  assert.doesNotThrow(() => new RollingWindow(1));
});

test('rolling window: median and unscaled MAD, odd and even', () => {
  const w = new RollingWindow(5);
  for (const v of [10, 1, 4, 7]) w.push(v);
  assert.equal(w.median(), 5.5); // 1 4 7 10
  assert.equal(w.mad(), 3); // deviations 4.5 1.5 1.5 4.5 -> 1.5 1.5 4.5 4.5
  w.push(100);
  assert.equal(w.median(), 7); // 1 4 7 10 100
  assert.equal(w.mad(), 3); // 6 3 0 3 93 -> 0 3 3 6 93
  assert.equal(medianOfSorted([]), NaN);
  assert.equal(medianOfSorted([2]), 2);
  assert.equal(median([3, 1, 2, 10]), 2.5);
  assert.equal(median([30, 1, 2]), 2);
});

test('robust z: quiet through the warm-up, then z against the median over 1.4826 MAD', () => {
  const d = new RobustZDetector({ window: 5, warmup: 4, threshold: 3, minScale: 0, relativeMinScale: 0 });
  const first = d.update(0, 10);
  assert.equal(first.isAnomaly, false);
  assert.ok(Number.isNaN(first.expected), 'nothing to expect yet');
  assert.deepEqual(d.update(1, 12), { ts: 1, value: 12, expected: 10, score: 0, isAnomaly: false, detector: 'robust-z' });
  d.update(2, 8);
  assert.equal(d.update(3, 1000).isAnomaly, false, 'the 4th point is still warm-up');
  // Window 10 12 8 1000: median 11, MAD 2 (deviations 1 1 3 989), scale 2.9652.
  const p = d.update(4, 20);
  const z = (20 - 11) / (1.4826 * 2);
  assert.equal(p.expected, 11);
  assert.ok(Math.abs(p.score - z / 6) < 1e-12, `score ${p.score}`);
  assert.equal(p.isAnomaly, true, `z ${z} > 3`);
});

test('robust z: the threshold is exclusive, the direction is honoured, the scale has floors', () => {
  // A flat window of 10s: MAD 0, so the scale is the larger floor.
  const flat = (options: object): RobustZDetector => {
    const d = new RobustZDetector({ window: 4, warmup: 4, threshold: 2, ...options });
    for (let i = 0; i < 4; i++) d.update(i, 10);
    return d;
  };
  // minScale 0.5: z = (11 - 10) / 0.5 = 2, exactly the threshold: no flag, score 0.5.
  const at = flat({ minScale: 0.5, relativeMinScale: 0 }).update(9, 11);
  assert.deepEqual([at.isAnomaly, at.score], [false, 0.5]);
  assert.equal(flat({ minScale: 0.5, relativeMinScale: 0 }).update(9, 11.01).isAnomaly, true);
  // relativeMinScale 0.05 of |median 10| = 0.5: the same.
  const rel = flat({ minScale: 0, relativeMinScale: 0.05 }).update(9, 8.99);
  assert.deepEqual([rel.isAnomaly, rel.expected], [true, 10]);
  assert.equal(flat({ minScale: 0, relativeMinScale: 0.05 }).update(9, 9).isAnomaly, false);
  // Direction: up ignores drops, down ignores rises.
  assert.equal(flat({ minScale: 0.5, relativeMinScale: 0, direction: 'up' }).update(9, 5).isAnomaly, false);
  assert.equal(flat({ minScale: 0.5, relativeMinScale: 0, direction: 'up' }).update(9, 15).isAnomaly, true);
  assert.equal(flat({ minScale: 0.5, relativeMinScale: 0, direction: 'down' }).update(9, 15).isAnomaly, false);
  assert.equal(flat({ minScale: 0.5, relativeMinScale: 0, direction: 'down' }).update(9, 5).isAnomaly, true);
  // Defaults: a negative median uses |median| for the relative floor (0.005 * 1000 = 5).
  const neg = new RobustZDetector({ window: 4, warmup: 4 });
  for (let i = 0; i < 4; i++) neg.update(i, -1000);
  assert.equal(neg.update(9, -1024).isAnomaly, false, 'z 4.8 < 5');
  const neg2 = new RobustZDetector({ window: 4, warmup: 4 });
  for (let i = 0; i < 4; i++) neg2.update(i, -1000);
  assert.equal(neg2.update(9, -1026).isAnomaly, true, 'z 5.2 > 5');
  // Default warm-up is 30 points.
  const dflt = new RobustZDetector();
  for (let i = 0; i < 29; i++) dflt.update(i, i % 2);
  assert.equal(dflt.update(29, 1e6).isAnomaly, false);
  assert.equal(dflt.update(30, 1e6).isAnomaly, true);
});

function fixed(name: string, points: Partial<AnomalyPoint>[]): Detector & { sizes: (number | undefined)[] } {
  let i = 0;
  const sizes: (number | undefined)[] = [];
  return {
    name,
    sizes,
    update(ts: number, value: number, sampleSize?: number): AnomalyPoint {
      sizes.push(sampleSize);
      return { ts, value, expected: NaN, score: 0, isAnomaly: false, detector: name, ...points[i++] };
    },
  };
}

test('composite: any member flags; the verdict is the top-scoring flagging member; expected from the first that has one', () => {
  const a = fixed('a', [{ score: 0.9, expected: NaN }, { score: 0.9, isAnomaly: false }, { score: 0.2 }]);
  const b = fixed('b', [{ score: 0.6, isAnomaly: true, expected: 4 }, { score: 0.3, expected: 5 }, { score: 0.7, expected: 6 }]);
  const c = fixed('c', [{ score: 0.7, isAnomaly: true, expected: 8 }, { score: 0.1, expected: 9 }, { score: 0.7, expected: 1 }]);
  const comp = new CompositeDetector([a, b, c]);
  assert.equal(comp.name, 'a+b+c');
  // a scores highest but does not flag: c, the higher of the flagging ones, speaks.
  assert.deepEqual(comp.update(1, 2, 40), { ts: 1, value: 2, expected: 4, score: 0.7, isAnomaly: true, detector: 'c' });
  assert.deepEqual(a.sizes, [40], 'the sample size reaches every member');
  assert.deepEqual(c.sizes, [40]);
  // None flags: the highest score of all, no flag.
  assert.deepEqual(comp.update(2, 3), { ts: 2, value: 3, expected: 5, score: 0.9, isAnomaly: false, detector: 'a' });
  // A tie keeps the first.
  assert.equal(comp.update(3, 3).detector, 'b');
  const none = new CompositeDetector([fixed('x', [{}])]);
  assert.ok(Number.isNaN(none.update(0, 1).expected));
  assert.throws(() => new CompositeDetector([]), /at least one member/);
});

test('series csv: header, comments, blank lines, bad rows with their line, time order', () => {
  const text = [
    'timestamp,value',
    '1700000000000,1.5',
    '',
    '# a comment',
    '  1700000060000 , 2 ',
    '1700000030000,3',
    'yesterday,4',
    '1700000120000,',
    '1700000120000,abc',
    '1700000120000,Infinity',
    '1700000120000',
    '1700000120000,5\r',
    '1700000120000,6',
  ].join('\n');
  const { points, bad } = parseSeriesCsv(text);
  assert.deepEqual(points.map((p) => [p.line, p.raw, p.ts, p.value]), [
    [2, '1700000000000', 1700000000000, 1.5],
    [5, '1700000060000', 1700000060000, 2],
    [12, '1700000120000', 1700000120000, 5],
    [13, '1700000120000', 1700000120000, 6],
  ]);
  assert.deepEqual(bad, [
    { line: 6, code: 'out_of_order', message: 'line 6: timestamp 1700000030000 is before 1700000060000', raw: '1700000030000' },
    { line: 7, code: 'bad_timestamp', message: 'line 7: cannot read timestamp "yesterday"', raw: 'yesterday' },
    { line: 8, code: 'bad_value', message: 'line 8: value "" is not a number', raw: '1700000120000' },
    { line: 9, code: 'bad_value', message: 'line 9: value "abc" is not a number', raw: '1700000120000' },
    { line: 10, code: 'bad_value', message: 'line 10: value "Infinity" is not a number', raw: '1700000120000' },
    { line: 11, code: 'bad_columns', message: 'line 11: want "timestamp,value"', raw: '1700000120000' },
  ]);
  // No header: the first row is data. A non-numeric second cell later is a bad value, not a header.
  assert.deepEqual(parseSeriesCsv('5,1\nts,value').points.map((p) => p.ts), [5000]);
  assert.equal(parseSeriesCsv('5,1\nts,value').bad[0].code, 'bad_timestamp');
  assert.deepEqual(parseSeriesCsv('a,b\n6,2').points.map((p) => p.value), [2]);
  // Long cells are cut at 40 characters in messages.
  const long = 'x'.repeat(50);
  assert.equal(parseSeriesCsv(`1,2\n${long},1`).bad[0].message, `line 2: cannot read timestamp "${'x'.repeat(40)}"`);
  assert.equal(parseSeriesCsv(`1,2\n2,${long}`).bad[0].message, `line 2: value "${'x'.repeat(40)}" is not a number`);
});

test('series csv: timestamps in ms, seconds below 1e11, or ISO 8601', () => {
  assert.equal(parseTimestamp('1700000000'), 1_700_000_000_000);
  assert.equal(parseTimestamp('99999999999'), 99_999_999_999_000);
  assert.equal(parseTimestamp('100000000000'), 100_000_000_000);
  assert.equal(parseTimestamp('-5'), -5000);
  assert.equal(parseTimestamp('1.5'), 1500);
  assert.equal(parseTimestamp('2023-11-14T22:13:20Z'), 1_700_000_000_000);
  assert.ok(Number.isNaN(parseTimestamp('')));
  assert.ok(Number.isNaN(parseTimestamp('not a date')));
});

test('ewma-cusum: the first level and sigma are the warm-up median and 1.4826 MAD; then z, CUSUM and score', () => {
  const options = { warmup: 5, alpha: 0.5, scaleAlpha: 0.5, slack: 0.5, limit: 2, clip: 3, rebaselinePoints: 3, minScale: 0, relativeMinScale: 0 };
  const d = new EwmaCusumDetector(options);
  const warm = [10, 12, 8, 11, 9].map((v, i) => d.update(i, v));
  assert.deepEqual(warm.map((p) => [p.isAnomaly, p.score, Number.isNaN(p.expected)]), Array(5).fill([false, 0, true]), 'quiet, nothing expected yet');
  // Level 10, MAD 1 (deviations 0 2 2 1 1): sigma 1.4826. One sigma up: up = 1 - 0.5.
  const sigma = 1.4826;
  const p6 = d.update(5, 10 + sigma);
  assert.deepEqual([p6.expected, p6.isAnomaly], [10, false]);
  assert.ok(Math.abs(p6.score - 0.5 / 4) < 1e-12, `score ${p6.score}`);
  // Learned: level += 0.5 * z * scale; sigma += 0.5 (|z| scale sqrt(pi/2) - sigma).
  const level7 = 10 + 0.5 * sigma;
  const sigma7 = sigma + 0.5 * (sigma * Math.sqrt(Math.PI / 2) - sigma);
  const p7 = d.update(6, level7);
  assert.ok(Math.abs(p7.expected - level7) < 1e-12, `expected ${p7.expected}`);
  // z = 0: up = max(0, 0.5 + 0 - 0.5) = 0, down 0.
  assert.ok(Math.abs(p7.score) < 1e-12, `score ${p7.score}`);
  // z = 0 halves sigma (0.5 of the way to 0); two of those below: z = -2, down = 1.5, score 1.5 / 4.
  const p8 = d.update(7, level7 - 2 * (sigma7 / 2));
  assert.ok(Math.abs(p8.score - 1.5 / 4) < 1e-9, `score ${p8.score}`);
  assert.equal(p8.isAnomaly, false);
});

test('ewma-cusum: a clipped jump flags, re-sets the level to the median of the latest points, and restarts the sums', () => {
  const options = { warmup: 5, alpha: 0.5, scaleAlpha: 0.5, slack: 0.5, limit: 2, clip: 3, rebaselinePoints: 3, minScale: 0, relativeMinScale: 0 };
  const d = new EwmaCusumDetector(options);
  [10, 12, 8, 11, 9].forEach((v, i) => d.update(i, v));
  const jump = d.update(5, 1000); // z clipped to 3: up = 2.5 > 2
  assert.deepEqual([jump.isAnomaly, jump.score, jump.expected], [true, 2.5 / 4, 10]);
  // New level: median of 11, 9, 1000 = 11; the sums start again at 0.
  const next = d.update(6, 11);
  assert.deepEqual([next.expected, next.isAnomaly, next.score], [11, false, 0]);
  // Exactly at the limit is no flag: slack 0, limit 3, clip 3, one clipped point sums to 3.
  const edge = new EwmaCusumDetector({ ...options, slack: 0, limit: 3 });
  [10, 12, 8, 11, 9].forEach((v, i) => edge.update(i, v));
  const at = edge.update(5, 1000);
  assert.deepEqual([at.isAnomaly, at.score], [false, 0.5]);
});

test('ewma-cusum: direction picks the sum; the harmless way still re-baselines', () => {
  const options = { warmup: 5, alpha: 0.5, scaleAlpha: 0.5, slack: 0.5, limit: 2, clip: 3, rebaselinePoints: 3, minScale: 0, relativeMinScale: 0 };
  const run = (direction: 'up' | 'down' | 'both', v: number) => {
    const d = new EwmaCusumDetector({ ...options, direction });
    [10, 12, 8, 11, 9].forEach((x, i) => d.update(i, x));
    return { first: d.update(5, v), next: d.update(6, v) };
  };
  assert.deepEqual([run('down', 1000).first.isAnomaly, run('down', 1000).first.score], [false, 0]);
  assert.equal(run('down', 1000).next.expected, 11, 'the rise re-based the level all the same');
  assert.equal(run('up', -1000).first.isAnomaly, false);
  assert.equal(run('down', -1000).first.isAnomaly, true);
  assert.equal(run('both', -1000).first.isAnomaly, true);
  assert.equal(run('up', 1000).first.isAnomaly, true);
  assert.equal(run('up', -1000).next.expected, 9, 'the median of the last three at the drop: 11, 9, -1000');
});

test('ewma-cusum: the re-baseline window can be longer than the warm-up; the scale has floors', () => {
  const d = new EwmaCusumDetector({ warmup: 3, rebaselinePoints: 5, slack: 0, limit: 1, clip: 3, minScale: 0, relativeMinScale: 0 });
  [1, 2, 3].forEach((v, i) => d.update(i, v)); // level 2, sigma 1.4826
  d.update(3, 2); // z 0
  d.update(4, 2); // z 0
  const jump = d.update(5, 100); // flags; the last five are 2, 3, 2, 2, 100 (1 was dropped)
  assert.equal(jump.isAnomaly, true);
  assert.equal(d.update(6, 2).expected, 2, 'median of 2, 3, 2, 2, 100');
  // A flat warm-up has no spread: the floors decide the scale.
  const flat = (options: object) => {
    const f = new EwmaCusumDetector({ warmup: 3, slack: 0, limit: 1.5, clip: 10, ...options });
    [100, 100, 100].forEach((v, i) => f.update(i, v));
    return f.update(3, 101);
  };
  assert.equal(flat({ minScale: 0.5, relativeMinScale: 0 }).isAnomaly, true, 'z = 1 / 0.5 = 2');
  assert.equal(flat({ minScale: 1, relativeMinScale: 0 }).isAnomaly, false, 'z = 1');
  assert.equal(flat({ minScale: 0, relativeMinScale: 0.005 }).isAnomaly, true, 'scale 0.5: z = 2');
  assert.equal(flat({ minScale: 0, relativeMinScale: 0.01 }).isAnomaly, false, 'scale 1: z = 1');
  // Defaults: a 30-point warm-up.
  const dflt = new EwmaCusumDetector();
  for (let i = 0; i < 30; i++) assert.ok(Number.isNaN(dflt.update(i, 50 + (i % 3)).expected), `warm-up point ${i}`);
  assert.equal(dflt.update(30, 51).expected, 51);
});
