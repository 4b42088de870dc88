import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EwmaCusumDetector } from '../../collector/detect/ewma-cusum.ts';
import { delayFrom, flagRate, lastFlag, noiseSeries, runDetector } from './detect-synthetic.ts';

test('ewma-cusum: false-alarm rate < 0.5% on 20 000 clean gaussian points (5 seeds)', (t) => {
  let flagged = 0;
  let total = 0;
  for (let seed = 11; seed <= 15; seed++) {
    const points = runDetector(new EwmaCusumDetector(), noiseSeries(4000, 50, 2, seed));
    flagged += points.filter((p) => p.isAnomaly).length;
    total += 4000 - 30;
  }
  const rate = flagged / total;
  t.diagnostic(`ewma-cusum clean false-alarm rate: ${(rate * 100).toFixed(3)}% (${flagged}/${total})`);
  assert.ok(rate < 0.005, `false-alarm rate ${(rate * 100).toFixed(3)}% should be < 0.5%`);
});

test('ewma-cusum: a 3-sigma level shift is flagged within 5 points, then no flag after 5 more (adapts)', (t) => {
  const delays: number[] = [];
  for (let seed = 21; seed <= 30; seed++) {
    const values = noiseSeries(1000, 50, 2, seed);
    for (let i = 500; i < 1000; i++) values[i] += 6;
    const points = runDetector(new EwmaCusumDetector(), values);
    const delay = delayFrom(points, 500);
    delays.push(delay);
    assert.ok(delay <= 5, `seed ${seed}: shift flagged after ${delay} points, want <= 5`);
    const last = lastFlag(points, 500, 1000);
    assert.ok(last - 500 <= delay + 5, `seed ${seed}: still flagging at ${last - 500} points after the shift`);
    const clean = flagRate(points, 30, 500);
    assert.ok(clean < 0.01, `seed ${seed}: ${(clean * 100).toFixed(2)}% flags before the shift, want < 1%`);
  }
  t.diagnostic(`level-shift delays (points): ${delays.join(', ')}`);
});

test('ewma-cusum: a 1.5-sigma shift (too small for a point test) is flagged within 15 points', (t) => {
  const delays: number[] = [];
  for (let seed = 31; seed <= 40; seed++) {
    const values = noiseSeries(800, 50, 2, seed);
    for (let i = 400; i < 800; i++) values[i] += 3;
    const points = runDetector(new EwmaCusumDetector(), values);
    const delay = delayFrom(points, 400);
    delays.push(delay);
    assert.ok(delay <= 15, `seed ${seed}: flagged after ${delay} points, want <= 15`);
  }
  t.diagnostic(`1.5-sigma shift delays (points): ${delays.join(', ')}`);
});

test('ewma-cusum: a slow drift of 0.05 sigma per point is flagged within 60 points of its start', (t) => {
  const delays: number[] = [];
  for (let seed = 41; seed <= 50; seed++) {
    const values = noiseSeries(1000, 50, 2, seed);
    for (let i = 500; i < 1000; i++) values[i] += 0.1 * (i - 500);
    const points = runDetector(new EwmaCusumDetector(), values);
    const delay = delayFrom(points, 500);
    delays.push(delay);
    assert.ok(delay <= 60, `seed ${seed}: drift flagged after ${delay} points, want <= 60`);
  }
  t.diagnostic(`slow-drift delays (points): ${delays.join(', ')}`);
});

test('ewma-cusum: a lone spike does not trip the CUSUM (that is robust-z work)', () => {
  const values = noiseSeries(300, 50, 2, 3);
  values[200] = 500;
  const points = runDetector(new EwmaCusumDetector(), values);
  assert.equal(flagRate(points, 30, 300), 0);
});

test('ewma-cusum: direction "up" stays quiet on a drop but re-baselines, then flags a later rise', () => {
  const values = noiseSeries(900, 50, 2, 5);
  for (let i = 300; i < 900; i++) values[i] -= 10;
  for (let i = 600; i < 900; i++) values[i] += 10;
  const points = runDetector(new EwmaCusumDetector({ direction: 'up' }), values);
  assert.equal(flagRate(points, 30, 600), 0, 'a drop must not flag with direction up');
  assert.ok(delayFrom(points, 600) <= 5, 'the rise back up must flag within 5 points');
});
