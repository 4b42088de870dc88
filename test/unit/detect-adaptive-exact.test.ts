// Exact checks of the default detector's parts (anomaly-likelihood.ts, predictors.ts,
// time-ring.ts, running-stats.ts, normal-tail.ts, adaptive.ts's sampling helpers): small inputs
// with known answers, so a changed comparison or constant fails here first (mutation testing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialNoise, samplingZ } from '../../collector/detect/adaptive.ts';
import { AnomalyLikelihood, logScore, studentAsNormal } from '../../collector/detect/anomaly-likelihood.ts';
import { erfc, normalTail } from '../../collector/detect/normal-tail.ts';
import { levelPredictor, periodPredictor, PredictorError } from '../../collector/detect/predictors.ts';
import { RunningStats } from '../../collector/detect/running-stats.ts';
import { TimeRing } from '../../collector/detect/time-ring.ts';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);

test('normal tail and erfc: known values on both sides', () => {
  close(normalTail(0), 0.5, 1e-7, 'Q(0)');
  close(normalTail(1.959964), 0.025, 1e-7, 'Q(1.96)');
  close(normalTail(-1.959964), 0.975, 1e-7, 'Q(-1.96)');
  close(erfc(-1), 1.8427007929, 1e-7, 'erfc(-1)');
  close(erfc(0.5), 0.4795001222, 1e-7, 'erfc(0.5)');
});

test('student t as a normal deviate: the t quantiles map onto the normal ones; sign kept; df below 1 is 1', () => {
  close(studentAsNormal(2.447, 6), 1.96, 0.003, 't 97.5% at df 6');
  close(studentAsNormal(12.706, 1), 1.96, 0.12, 't 97.5% at df 1');
  close(studentAsNormal(3, 1e6), 3, 1e-4, 'df large: itself');
  close(studentAsNormal(-2.447, 6), -studentAsNormal(2.447, 6), 0, 'sign');
  assert.equal(studentAsNormal(4, 0), studentAsNormal(4, 1));
  assert.equal(studentAsNormal(4, -3), studentAsNormal(4, 1));
  assert.equal(studentAsNormal(0, 6), 0);
  // a huge deviation still counts on a small sample: it grows like sqrt(ln t)
  assert.ok(studentAsNormal(100, 6) > 6, `${studentAsNormal(100, 6)}`);
});

test('log score: tail 1e-5 is 0.5, 1 is 0, clipped to 1', () => {
  close(logScore(1e-5), 0.5, 1e-5, '1e-5');
  close(logScore(1), 0, 1e-9, '1');
  assert.equal(logScore(0), 1);
});

test('likelihood: nothing until a reference exists; then the Student t tail of the recent mean', () => {
  const likelihood = new AnomalyLikelihood({ shortWindow: 2, longWindow: 100, minStd: 0.1, pointWeight: 0 });
  assert.equal(likelihood.update(0.2), 0, 'first point: no reference yet');
  // seen 2: held 1, so the reference is [0.2], the recent window [0.2, 0.4] with mean 0.3
  const n = 1;
  const t = (0.3 - 0.2) / (0.1 * Math.sqrt(1 + 1 / n));
  close(likelihood.update(0.4), logScore(normalTail(studentAsNormal(t, n - 1))), 1e-12, 'second point');
});

test('likelihood: the point path and the history of means', () => {
  const pointLed = new AnomalyLikelihood({ shortWindow: 10, longWindow: 100, minStd: 0.1, pointWeight: 0.6 });
  const plain = new AnomalyLikelihood({ shortWindow: 10, longWindow: 100, minStd: 0.1, pointWeight: 0 });
  for (let i = 0; i < 40; i++) {
    pointLed.update(0.1);
    plain.update(0.1);
  }
  assert.ok(pointLed.update(1) > plain.update(1) + 0.1, 'a sudden break counts at once with a point weight');
  const means = new AnomalyLikelihood({ shortWindow: 2, longWindow: 100, minStd: 0.1, pointWeight: 0, meansAfter: 3 });
  const single = new AnomalyLikelihood({ shortWindow: 2, longWindow: 100, minStd: 0.1, pointWeight: 0 });
  let a = 0;
  let b = 0;
  for (const s of [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9]) {
    a = means.update(s);
    b = single.update(s);
  }
  assert.ok(a > 0 && a < b, `against past means the score is halved: ${a} vs ${b}`);
});

test('predictor error: a plain mean until the memory fills, then exponential; clipped and unclipped', () => {
  const e = new PredictorError(0.5, 4);
  e.add(1, 0);
  assert.equal(e.value, 1);
  assert.equal(e.count, 1);
  e.add(3, 0);
  assert.equal(e.value, 2, 'plain mean of 1 and 3');
  e.add(4, 0);
  assert.equal(e.value, 3, 'alpha 0.5 once the count passes 2: 2 + 0.5 (4 - 2)');
  e.add(100, 0);
  assert.equal(e.value, 3 + 0.5 * (12 - 3), 'clipped at 4 x 3');
  assert.equal(e.unclipped, 3 + 0.5 * (100 - 3));
  const floored = new PredictorError(0.5, 4);
  floored.add(0, 0);
  floored.add(10, 1);
  assert.equal(floored.value, 2, 'clip at 4 x the floor when the mean is below it: (0 + 4) / 2');
  assert.ok(Number.isNaN(new PredictorError(0.5, 4).value));
});

test('level and period predictors: median of the last points; median of past periods found by time', () => {
  const ring = new TimeRing(20);
  assert.ok(Number.isNaN(levelPredictor(3).predict(ring, 0, 1)));
  for (let i = 0; i < 10; i++) ring.push(i * 10, i === 8 ? 100 : i);
  assert.equal(levelPredictor(1).predict(ring, 100, 10), 9);
  assert.equal(levelPredictor(3).predict(ring, 100, 10), 9, 'median of 7, 100, 9');
  const weekly = periodPredictor('p', 30, 3);
  assert.equal(weekly.predict(ring, 100, 10), 4, 'values at 70, 40, 10: median of 7, 4, 1');
  assert.equal(periodPredictor('p', 30, 1).predict(ring, 104, 10), 7, 'within half a step');
  assert.ok(Number.isNaN(periodPredictor('p', 30, 1).predict(ring, 106, 2)), 'beyond half a step');
  assert.ok(Number.isNaN(periodPredictor('p', 1000, 2).predict(ring, 100, 10)), 'no history that far back');
});

test('time ring: keeps the last points, finds the nearest by time, rejects a tiny capacity', () => {
  assert.throws(() => new TimeRing(1), RangeError);
  assert.throws(() => new TimeRing(2.5), RangeError);
  const ring = new TimeRing(3);
  assert.ok(Number.isNaN(ring.oldestTs()) && Number.isNaN(ring.latestTs()));
  for (const [ts, v] of [[10, 1], [20, 2], [30, 3], [40, 4]]) ring.push(ts, v);
  assert.equal(ring.length, 3);
  assert.equal(ring.oldestTs(), 20);
  assert.equal(ring.latestTs(), 40);
  assert.deepEqual([ring.recent(0), ring.recent(1), ring.recent(2)], [4, 3, 2]);
  assert.equal(ring.near(24, 5), 2);
  assert.equal(ring.near(26, 5), 3);
  assert.equal(ring.near(25, 5), 3, 'a tie goes to the later point');
  assert.equal(ring.near(45, 5), 4, 'at the tolerance');
  assert.ok(Number.isNaN(ring.near(46, 5)));
  assert.ok(Number.isNaN(ring.near(10, 5)), 'dropped from the ring');
});

test('running stats: mean and population variance over the last values, rebuilt without drift', () => {
  assert.throws(() => new RunningStats(0), RangeError);
  const s = new RunningStats(3);
  assert.ok(Number.isNaN(s.mean()) && Number.isNaN(s.variance()));
  s.push(1);
  s.push(2);
  assert.equal(s.mean(), 1.5);
  assert.equal(s.variance(), 0.25);
  s.push(3);
  s.push(10);
  assert.equal(s.length, 3);
  assert.equal(s.mean(), 5);
  close(s.variance(), (9 + 4 + 25) / 3, 1e-12, 'variance of 2, 3, 10');
  for (let i = 0; i < 10; i++) s.push(1e9 + i);
  close(s.mean(), 1e9 + 8, 1e-6, 'mean after many pushes');
});

test('binomial noise and sampling z: the sd of a proportion, kept half an event from 0 and 1', () => {
  assert.deepEqual(binomialNoise(0.3, undefined), { p: 0.3, n: 0, sd: 0 });
  assert.deepEqual(binomialNoise(0.3, 0), { p: 0.3, n: 0, sd: 0 });
  close(binomialNoise(0.1, 40).sd, Math.sqrt((0.1 * 0.9) / 40), 1e-12, 'p 0.1 of 40');
  close(binomialNoise(0, 40).sd, Math.sqrt(((0.5 / 40) * (1 - 0.5 / 40)) / 40), 1e-12, 'p 0 of 40');
  close(binomialNoise(1, 40).sd, Math.sqrt(((0.5 / 40) * (1 - 0.5 / 40)) / 40), 1e-12, 'p 1 of 40');
  const noise = binomialNoise(0.1, 40);
  close(samplingZ(12 / 40, noise), 3.3, 0.05, '12 of 40 at p 0.1');
  close(samplingZ(0, noise), -2.9, 0.05, '0 of 40 at p 0.1');
});
