import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectorByName, detectorForKind, SERIES_KINDS, UnknownDetectorError } from '../../collector/detect/factory.ts';
import { flagRate, noiseSeries, runDetector } from './detect-synthetic.ts';
import { assertAll } from '../harness/assert-all.ts';

test('factory: every series kind builds a detector that stays quiet on clean data (< 1% flags)', () => {
  for (const kind of SERIES_KINDS) {
    const detector = detectorForKind(kind);
    const points = runDetector(detector, noiseSeries(3 * 288, 0.3, 0.01, 77), 5 * 60_000);
    const rate = flagRate(points, 2 * 288, 3 * 288);
    assert.ok(rate < 0.01, `${kind}: ${(rate * 100).toFixed(2)}% flags on clean data`);
    assertAll(points, (p) => p.score >= 0 && p.score <= 1, `${kind}: score in 0..1`);
  }
});

test('factory: the robust-z+ewma-cusum composite flags both a spike (robust-z) and a shift (ewma-cusum)', () => {
  const values = noiseSeries(600, 3, 0.1, 8);
  values[200] = 6;
  for (let i = 400; i < 600; i++) values[i] += 0.25; // 2.5 sigma: below the point test
  const points = runDetector(detectorByName('robust-z+ewma-cusum'), values);
  assert.equal(points[200].isAnomaly, true);
  assert.equal(points[200].detector, 'robust-z');
  const shift = points.slice(400, 410).find((p) => p.isAnomaly);
  assert.equal(shift?.detector, 'ewma-cusum');
});

test('factory: detection rate only alarms downwards', () => {
  const values = noiseSeries(300, 0.99, 0.002, 9);
  values[150] = 1;
  values[200] = 0.9;
  const points = runDetector(detectorForKind('detection_rate'), values);
  assert.equal(points[150].isAnomaly, false);
  assert.equal(points[200].isAnomaly, true);
});

test('factory: names take series kinds and single methods; an unknown name is a typed error', () => {
  assert.equal(detectorByName('robust-z').name, 'robust-z');
  assert.equal(detectorByName('fpr').name, 'adaptive');
  assert.equal(detectorByName('generic').name, 'adaptive');
  assert.equal(detectorByName('robust-z+ewma-cusum').name, 'robust-z+ewma-cusum');
  assert.equal(detectorByName('seasonal-profile').name, 'seasonal-profile');
  assert.throws(() => detectorByName('magic'), (e: unknown) => e instanceof UnknownDetectorError && e.code === 'unknown_detector');
});
