// Exact checks of adaptive.ts's own arithmetic, written for the survivors of its mutation run
// (README "Mutation testing"): the novelty's gate and Student t, the forecast error's 1.25, the
// floor, the score above `flagAt` and its cap below it, `countZ` and `flagAt` at equality, which
// forecast wins (trial counts, ties), the step found from jittered timestamps, and the rest break.
//
// How a score is known exactly: the likelihood is set to remember one surprise (short and long
// window 1, no point weight, no means), so the score of a point depends on its own surprise and
// the one before it only, and `likelihoodOf` below computes it with the same AnomalyLikelihood.
// A series constant at an integer has surprise exactly 0 (no error, no distance from the mean),
// so after it the step's surprise alone decides the score, and that is computed by hand here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDetector, binomialNoise, samplingZ, type AdaptiveOptions } from '../../collector/detect/adaptive.ts';
import { AnomalyLikelihood, studentAsNormal, type LikelihoodOptions } from '../../collector/detect/anomaly-likelihood.ts';
import type { AnomalyPoint } from '../../collector/detect/types.ts';

const MINUTE = 60_000;
const ONE_SURPRISE: LikelihoodOptions = { shortWindow: 1, longWindow: 1, pointWeight: 0, meansAfter: Infinity, minStd: 0.1 };

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);

/** Only the level forecast, no warm-up, the one-surprise likelihood: every part of a score is known. */
function run(options: Partial<AdaptiveOptions>, values: readonly number[], sampleSize?: number): AnomalyPoint[] {
  const d = new AdaptiveDetector({ warmup: 0, periodsMs: [], ...options, likelihood: { ...ONE_SURPRISE, ...options.likelihood } });
  return values.map((v, i) => d.update(i * MINUTE, v, sampleSize));
}

/** The calibrated likelihood of surprise `now` after surprise `before`, as the detector's one-surprise likelihood sees it. */
function likelihoodOf(before: number, now: number, minStd = ONE_SURPRISE.minStd): number {
  const likelihood = new AnomalyLikelihood({ ...ONE_SURPRISE, minStd });
  likelihood.update(before);
  return likelihood.update(now);
}

/** `points` copies of `level`, then `last`. */
const stepAfter = (level: number, points: number, last: number): number[] => [...Array<number>(points).fill(level), last];

const flagsOf = (points: readonly AnomalyPoint[]): number[] => points.flatMap((p, i) => (p.isAnomaly ? [i] : []));

// A step of 5 after four points at 1000. The floor is 0.001 x 1000 = 1 (no error was ever made),
// so the forecast error is 5 floors, read as a Student t with 2 df (3 errors so far, the mean of
// 3 - 1 independent ones); the distance from the last 4 points' mean is 5 floors too, a Student t
// with 3 df after the prediction interval's sqrt(1 + 1/4). The novelty is the larger, so it
// decides the surprise (deviation / 6) whenever it counts.
const FORECAST_Z = studentAsNormal(5, 2);
const NOVELTY_Z = studentAsNormal(5 / Math.sqrt(1 + 1 / 4), 3);

test('adaptive: the novelty counts from noveltyMinPoints points, or from a full noveltyWindow, as a Student t with n - 1 df', () => {
  assert.ok(NOVELTY_Z > FORECAST_Z + 0.2, `${NOVELTY_Z} vs ${FORECAST_Z}`);
  // flagAt 1: nothing flags and the score is half the likelihood.
  const scoreOfStep = (options: Partial<AdaptiveOptions>) => run({ flagAt: 1, ...options }, stepAfter(1000, 4, 1005))[4].score;
  close(scoreOfStep({ noveltyMinPoints: 4 }), likelihoodOf(0, NOVELTY_Z / 6) / 2, 1e-12, '4 points seen, 4 needed');
  close(scoreOfStep({ noveltyMinPoints: 5 }), likelihoodOf(0, FORECAST_Z / 6) / 2, 1e-12, '4 points seen, 5 needed: the forecast alone');
  close(scoreOfStep({ noveltyMinPoints: 10, noveltyWindow: 4 }), likelihoodOf(0, NOVELTY_Z / 6) / 2, 1e-12, 'a full window of 4 is enough');
  close(scoreOfStep({ noveltyMinPoints: 10, noveltyWindow: 5 }), likelihoodOf(0, FORECAST_Z / 6) / 2, 1e-12, 'window of 5 not full yet');
  // Before the step every surprise is 0: the likelihood of 0 after 0 (a normal tail of 1/2).
  const flat = run({ flagAt: 1, noveltyMinPoints: 4 }, stepAfter(1000, 4, 1005));
  assert.deepEqual(flat.slice(0, 2).map((p) => p.score), [0, 0], 'no forecast before two errors');
  close(flat[2].score, likelihoodOf(0, 0) / 2, 1e-15, 'flat point');
  close(flat[3].score, likelihoodOf(0, 0) / 2, 1e-15, 'flat point');
});

test('adaptive: the floor is relativeMinScale x |level|, or minScale when larger', () => {
  // At level 1000 the floor of 1 makes the step 5 floors (above). At level 10 with minScale 0.1 the
  // floor is 0.1 (not 0.001 x 10): a step of 0.5 is again 5 floors.
  const scoreOfStep = (level: number, step: number, minScale: number) =>
    run({ flagAt: 1, noveltyMinPoints: 4, minScale }, stepAfter(level, 4, level + step))[4].score;
  close(scoreOfStep(10, 0.5, 0.1), likelihoodOf(0, NOVELTY_Z / 6) / 2, 1e-9, 'minScale 0.1 at level 10');
  close(scoreOfStep(1000, 5, 1e-9), likelihoodOf(0, NOVELTY_Z / 6) / 2, 1e-12, '0.001 x 1000');
});

test('adaptive: the forecast error is read against 1.25 x the typical error, as a Student t with count - 1 df', () => {
  // 10, 12, 10, 12, ...: the level forecast misses by exactly 2 each time, so the typical error is 2;
  // the novelty is off (noveltyMinPoints beyond the series). Point 19 misses by 2 after 18 errors,
  // point 20 (12 + 3) by 3 after 19.
  const values = [...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 10 : 12)), 15];
  const points = run({ flagAt: 1, noveltyMinPoints: 1000 }, values);
  const before = studentAsNormal(2 / (1.25 * 2), 17) / 6;
  const now = studentAsNormal(3 / (1.25 * 2), 18) / 6;
  close(points[20].score, likelihoodOf(before, now) / 2, 1e-12, 'a miss of 3 on a typical error of 2');
});

test('adaptive: above flagAt the score rises from 0.5 to 1 in proportion to the likelihood', () => {
  // A step of 20 floors; a likelihood with minStd 0.01 puts it above the default flagAt of 0.15.
  const novelty = studentAsNormal(20 / Math.sqrt(1 + 1 / 4), 3);
  assert.ok(novelty > studentAsNormal(20, 2));
  const likely = likelihoodOf(0, novelty / 6, 0.01);
  assert.ok(likely > 0.17 && likely < 0.9, `${likely}`);
  const [point] = run({ noveltyMinPoints: 4, likelihood: { ...ONE_SURPRISE, minStd: 0.01 } }, stepAfter(1000, 4, 1020)).slice(4);
  assert.equal(point.isAnomaly, true);
  close(point.score, 0.5 + (0.5 * (likely - 0.15)) / (1 - 0.15), 1e-12, 'rescaled above flagAt');
});

// Proportions of 100 events: at 0.5 the sampling sd is sqrt(0.25 / 100) = 0.05, which is the floor;
// 0.8 after four points at 0.5 is 6 sampling sds away, about 6.4 on Anscombe's scale.
const RATE_OPTIONS: Partial<AdaptiveOptions> = { noveltyMinPoints: 4, likelihood: { ...ONE_SURPRISE, minStd: 0.01 } };
const rateStep = (options: Partial<AdaptiveOptions>): AnomalyPoint => run({ ...RATE_OPTIONS, ...options }, stepAfter(0.5, 4, 0.8), 100)[4];
const RATE_Z = samplingZ(0.8, binomialNoise(0.5, 100));

test('adaptive: a proportion flags when its sampling z reaches countZ exactly, not when it falls short', () => {
  close(RATE_Z, 6.4, 0.05, 'sampling z of 80 of 100 at 0.5');
  assert.equal(rateStep({ countZ: RATE_Z }).isAnomaly, true, 'at countZ');
  const short = rateStep({ countZ: RATE_Z + 1e-9 });
  assert.equal(short.isAnomaly, false, 'just beyond countZ');
  // Likely enough to flag, but within sampling noise: the score stays just under 0.5 (0.99 x flagAt).
  close(short.score, 0.495, 1e-12, 'held under the threshold');
});

test('adaptive: a likelihood exactly at flagAt flags (score 0.5); held back by sampling it scores 0.99 x 0.5', () => {
  // With flagAt 1 the score is half the likelihood, exactly (times 0.5, divided by 1): read it back.
  const likely = 2 * rateStep({ flagAt: 1 }).score;
  // Well above the flat points' likelihood (0.03), so with flagAt at it only the step can flag.
  assert.ok(likely > 0.1 && likely < 0.9, `${likely}`);
  const at = rateStep({ flagAt: likely });
  assert.equal(at.isAnomaly, true);
  assert.equal(at.score, 0.5);
  const held = rateStep({ flagAt: likely, countZ: 100 });
  assert.equal(held.isAnomaly, false);
  close(held.score, 0.495, 1e-12, 'at flagAt but within sampling noise');
});

test('adaptive: a seasonal forecast competes only after errorMemory trials, the level after min(errorMemory, warmup)', () => {
  // A sawtooth 0, 3, ..., 27 repeating every 10 points: the 10-minute forecast is exact, the level
  // forecast misses by 3 (27 at the drop). The seasonal forecast first exists at point 10, so it has
  // 50 errors at point 60: the level forecast (the previous point) until 59.
  const values = Array.from({ length: 70 }, (_, i) => (i % 10) * 3);
  const d = new AdaptiveDetector({ warmup: 5, periodsMs: [10 * MINUTE], periodsBack: 1, errorMemory: 50 });
  const expected = values.map((v, i) => d.update(i * MINUTE, v).expected);
  assert.deepEqual(expected.slice(14, 17), [values[13], values[14], values[15]], 'the level, though the seasonal one has 5 trials');
  assert.equal(expected[59], values[58]);
  assert.equal(expected[60], values[50], 'the seasonal forecast after its 50 trials');
  assert.deepEqual(expected.slice(61), values.slice(51, 60));
});

test('adaptive: on a tie of running errors the level forecast (the first) stays the forecast', () => {
  // Steps +1, +1, -1 repeating: the level forecast misses by 1 every time, and so does the forecast
  // from three points back (the three steps add up to 1). Where they differ (every third point)
  // the expectation is still the previous point.
  const values = [0];
  for (let i = 1; i < 30; i++) values.push(values[i - 1] + (i % 3 === 0 ? -1 : 1));
  const d = new AdaptiveDetector({ warmup: 5, periodsMs: [3 * MINUTE], periodsBack: 1, errorMemory: 5 });
  const expected = values.map((v, i) => d.update(i * MINUTE, v).expected);
  assert.deepEqual(expected.slice(8), values.slice(7, 29));
  assert.ok(values[8] !== values[6], 'the two forecasts differ at point 9');
});

test('adaptive: the step is the median gap of jittered timestamps, so "one period ago" is found within half of it', () => {
  // 0, 5, 0, 5, ... every minute, each timestamp off by -300..300 ms (a cycle of 7, so never the
  // same offset one period of 10 points apart). The 10-minute forecast (exact) exists from point
  // 10 and wins at 15 after 5 trials; from 6 to 14, the level forecast (the previous point).
  const values = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0 : 5));
  const ts = values.map((_, i) => i * MINUTE + (i % 7) * 100 - 300);
  const d = new AdaptiveDetector({ warmup: 5, periodsMs: [10 * MINUTE], periodsBack: 1, errorMemory: 5 });
  const expected = values.map((v, i) => d.update(ts[i], v).expected);
  assert.deepEqual(expected.slice(6, 15), values.slice(5, 14), 'no seasonal forecast without a point one period ago');
  assert.deepEqual(expected.slice(15), values.slice(5, 30), 'the point one period ago, 100-600 ms off');
});

test('adaptive rest break: a deviation exactly restBreak times the incident breaks the rest (flagAt 0: 0 >= 2 x 0)', () => {
  // flagAt 0 flags every point that is not resting; on a constant series every deviation is 0, so
  // each point is as large an incident as the last and breaks its rest. The first flag (point 6:
  // the level forecast needs 5 errors) has no points before it in the short window: its incident is 0.
  const points = run({ warmup: 5, flagAt: 0, restPoints: 100 }, Array<number>(12).fill(1000));
  assert.deepEqual(flagsOf(points), [6, 7, 8, 9, 10, 11]);
  assert.deepEqual(flagsOf(run({ warmup: 5, flagAt: 0, restPoints: 100, restBreak: 0 }, Array<number>(12).fill(1000))), [6], 'restBreak 0: never');
});

test('adaptive rest break: the incident is the largest deviation of the flag and the shortWindow points before it', () => {
  // flagAt 0, rests of 3 points, the likelihood's short window of 10, no novelty (so every
  // deviation but the spike's and its return's is exactly 0). A spike at 10 is flagged,
  // its return to 1000 (as large a surprise, not twice) rests, and so do 12 and 13. Point 14 flags
  // with deviation 0, but the spike is among its last 10 points, so its incident is the spike's
  // size: the points of deviation 0 after it rest (0 < 2 x spike) until the spike leaves the window.
  const values = Array<number>(30).fill(1000);
  values[10] = 1100;
  const points = run({ warmup: 5, flagAt: 0, restPoints: 3, noveltyMinPoints: 1000, likelihood: { ...ONE_SURPRISE, shortWindow: 10 } }, values);
  assert.deepEqual(flagsOf(points), [6, 7, 8, 9, 10, 14, 18, 22, 23, 24, 25, 26, 27, 28, 29]);
});

test('adaptive: the first point gives no gap, so a one-step season has its first trial at point 1', () => {
  // 0, 0, 9 repeating; a "season" of one minute over 3 periods is the median of the last 3 points,
  // which misses less than the previous point does (3.6 against 5.4 over points 1-5). Its trials
  // start at point 1 (the gap to point 0 is a minute), so at point 6 it has its 5 and wins.
  const values = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? 9 : 0));
  const d = new AdaptiveDetector({ warmup: 5, periodsMs: [MINUTE], periodsBack: 3, errorMemory: 5 });
  const expected = values.map((v, i) => d.update(i * MINUTE, v).expected);
  assert.equal(expected[6], 0, 'median of 0, 0, 9, not the 9 before');
  assert.deepEqual(expected.slice(7), [0, 0, 0, 0, 0]);
});
