import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialNoise, samplingZ } from '../../collector/detect/adaptive.ts';
import { detectorForKind } from '../../collector/detect/factory.ts';
import { seededRandom } from './detect-synthetic.ts';

const WINDOW_MS = 10_000;
const EVENTS = 40;

/** k of `EVENTS` events flagged stego, each with probability p: what one 10 s window reads. */
function windowRate(random: () => number, p: number): number {
  let k = 0;
  for (let i = 0; i < EVENTS; i++) if (random() < p) k++;
  return k / EVENTS;
}

/** The collector's stego_rate detector (warm-up 30 windows) fed windows of 40 events; index of each flag. */
function flagsOn(rates: readonly number[]): number[] {
  const detector = detectorForKind('stego_rate', { adaptive: { warmup: 30 } });
  const flags: number[] = [];
  rates.forEach((r, i) => {
    if (detector.update(i * WINDOW_MS, r, EVENTS).isAnomaly) flags.push(i);
  });
  return flags;
}

test('binomial noise: sd of a proportion of n events; none when n is unknown; p kept off 0', () => {
  assert.ok(Math.abs(binomialNoise(0.1, 40).sd - Math.sqrt((0.1 * 0.9) / 40)) < 1e-12);
  assert.equal(binomialNoise(0.1, undefined).sd, 0);
  assert.ok(binomialNoise(0, 40).sd > 0.01, 'a rate that sat at 0 still has noise');
});

test('binomial noise: stego_rate at p = 0.1 over 40-event windows is never flagged (100 seeds x 78 windows)', () => {
  const falseRuns: number[] = [];
  for (let seed = 1; seed <= 100; seed++) {
    const random = seededRandom(seed);
    const rates = Array.from({ length: 78 }, () => windowRate(random, 0.1));
    if (flagsOn(rates).length > 0) falseRuns.push(seed);
  }
  assert.deepEqual(falseRuns, []);
});

test('binomial noise: a burst to p = 0.45 is flagged within its first 3 windows in every seed', () => {
  const late: number[] = [];
  for (let seed = 1; seed <= 100; seed++) {
    const random = seededRandom(seed);
    const rates = Array.from({ length: 78 }, (_, i) => windowRate(random, i >= 70 ? 0.45 : 0.1));
    const first = flagsOn(rates)[0];
    if (!(first >= 70 && first <= 72)) late.push(seed);
  }
  assert.deepEqual(late, []);
});

test('binomial noise: 12 of 40 and 0 of 40 at p = 0.1 are within sampling noise on the arcsine scale, 21 of 40 is not', () => {
  const noise = binomialNoise(0.1, 40);
  assert.ok(samplingZ(0.3, noise) < 3.5, String(samplingZ(0.3, noise)));
  assert.ok(samplingZ(0.525, noise) > 6, String(samplingZ(0.525, noise)));
  // 0 of 40 happens once in 70 windows at p = 0.1: not an outlier either.
  assert.ok(samplingZ(0, noise) > -3.5, String(samplingZ(0, noise)));
});
