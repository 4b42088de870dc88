import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RobustZDetector } from '../../collector/detect/robust-z.ts';
import { delayFrom, flagRate, noiseSeries, runDetector } from './detect-synthetic.ts';
import { assertAll } from '../harness/assert-all.ts';

test('robust-z: no flags during the 30-point warm-up, even on wild values', () => {
  const detector = new RobustZDetector();
  const points = runDetector(detector, Array.from({ length: 30 }, (_, i) => (i % 2 ? 1000 : -1000)));
  assert.equal(points.filter((p) => p.isAnomaly).length, 0);
  assertAll(points, (p) => p.score === 0, 'score 0 everywhere');
});

test('robust-z: false-alarm rate < 0.5% on 20 000 clean gaussian points (5 seeds)', (t) => {
  let flagged = 0;
  let total = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const points = runDetector(new RobustZDetector(), noiseSeries(4000, 100, 5, seed));
    flagged += points.slice(30).filter((p) => p.isAnomaly).length;
    total += 4000 - 30;
  }
  const rate = flagged / total;
  t.diagnostic(`robust-z clean false-alarm rate: ${(rate * 100).toFixed(3)}% (${flagged}/${total})`);
  assert.ok(rate < 0.005, `false-alarm rate ${(rate * 100).toFixed(3)}% should be < 0.5%`);
});

test('robust-z: every injected 8-sigma spike is flagged on its own point (delay 0), none missed', () => {
  const values = noiseSeries(3000, 100, 5, 42);
  const spikes = [200, 555, 900, 1234, 1800, 2222, 2701];
  for (const [k, at] of spikes.entries()) values[at] += (k % 2 ? -1 : 1) * 40;
  const points = runDetector(new RobustZDetector(), values);
  for (const at of spikes) {
    assert.equal(points[at].isAnomaly, true, `spike at ${at} missed (score ${points[at].score})`);
    assert.ok(points[at].score > 0.5);
  }
  const others = points.filter((p, i) => i >= 30 && !spikes.includes(i) && p.isAnomaly).length;
  assert.ok(others / 3000 < 0.005, `${others} false flags among clean points`);
});

test('robust-z: direction "up" ignores drops (latency getting faster is not an incident)', () => {
  const values = noiseSeries(200, 10, 0.5, 7);
  values[150] = 0;
  values[160] = 25;
  const points = runDetector(new RobustZDetector({ direction: 'up' }), values);
  assert.equal(points[150].isAnomaly, false);
  assert.equal(points[160].isAnomaly, true);
});

test('robust-z: a series stuck at 0 does not flag jitter below minScale but flags a real jump', () => {
  const values = new Array(100).fill(0);
  values[60] = 0.001;
  values[80] = 0.05;
  const points = runDetector(new RobustZDetector({ minScale: 0.002 }), values);
  assert.equal(points[60].isAnomaly, false);
  assert.equal(points[80].isAnomaly, true);
});
