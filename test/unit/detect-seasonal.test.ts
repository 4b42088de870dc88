import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, SeasonalProfileDetector } from '../../collector/detect/seasonal-profile.ts';
import { RobustZDetector } from '../../collector/detect/robust-z.ts';
import { detectorByName, detectorForKind } from '../../collector/detect/factory.ts';
import { delayFrom, flagRate, gaussian, runDetector, seededRandom } from './detect-synthetic.ts';

const STEP_MS = 5 * 60_000; // 5-minute windows: 288 points a day
const PER_DAY = DAY_MS / STEP_MS;

/** Traffic with a sharp afternoon peak (1000 -> 1900 req/window around 14:00) and noise sigma 20. */
function dailyTraffic(days: number, seed: number): number[] {
  const normal = gaussian(seededRandom(seed));
  return Array.from({ length: days * PER_DAY }, (_, i) => {
    const hour = ((i % PER_DAY) * STEP_MS) / 3_600_000;
    return 1000 + 900 * Math.exp(-(((hour - 14) / 2) ** 2)) + 20 * normal();
  });
}

test('seasonal: the learned daily peak is not flagged: < 1% flags on clean days 3-7 (3 seeds)', (t) => {
  for (let seed = 1; seed <= 3; seed++) {
    const points = runDetector(new SeasonalProfileDetector(), dailyTraffic(7, seed), STEP_MS);
    const rate = flagRate(points, 2 * PER_DAY, 7 * PER_DAY);
    t.diagnostic(`seed ${seed}: seasonal false-alarm rate on days 3-7: ${(rate * 100).toFixed(2)}%`);
    assert.ok(rate < 0.01, `seed ${seed}: ${(rate * 100).toFixed(2)}% of clean points flagged, want < 1%`);
    assert.equal(flagRate(points, 0, 2 * PER_DAY), 0, 'no flags during the two warm-up days');
  }
});

test('seasonal: the same peak IS flagged by a flat robust-z (so the test above can fail)', () => {
  const points = runDetector(new RobustZDetector(), dailyTraffic(4, 1), STEP_MS);
  assert.ok(flagRate(points, 2 * PER_DAY, 4 * PER_DAY) > 0.02);
});

test('seasonal: a 150-request spike (7.5 sigma) on top of the daily peak is flagged on its point (delay 0)', () => {
  const values = dailyTraffic(7, 9);
  const peak = Math.round((14 * 3_600_000) / STEP_MS);
  const spikes = [4 * PER_DAY + peak, 5 * PER_DAY + peak + 6, 6 * PER_DAY + peak - 12];
  for (const at of spikes) values[at] += 150;
  const points = runDetector(new SeasonalProfileDetector(), values, STEP_MS);
  for (const at of spikes) assert.equal(points[at].isAnomaly, true, `spike at ${at} missed, score ${points[at].score}`);
  const clean = points.filter((p, i) => i >= 2 * PER_DAY && !spikes.includes(i) && p.isAnomaly).length;
  assert.ok(clean / (5 * PER_DAY) < 0.01, `${clean} false flags`);
});

test('seasonal: a traffic drop of 30% is flagged within 3 points, then adapted to within 20 points', (t) => {
  const values = dailyTraffic(7, 4);
  const start = 5 * PER_DAY + 30;
  for (let i = start; i < values.length; i++) values[i] *= 0.7;
  const points = runDetector(new SeasonalProfileDetector(), values, STEP_MS);
  const delay = delayFrom(points, start);
  t.diagnostic(`drop flagged after ${delay} points`);
  assert.ok(delay <= 3, `flagged after ${delay}, want <= 3`);
  const after = flagRate(points, start + 20, start + 20 + 150);
  assert.ok(after < 0.05, `${(after * 100).toFixed(1)}% still flagged 20..170 points after the drop, want < 5%`);
});

test('seasonal: the factory gives it for a daily season override; also by name', () => {
  assert.equal(detectorForKind('request_rate', { season: 'daily' }).name, 'seasonal-profile');
  assert.equal(detectorForKind('request_rate').name, 'adaptive');
  assert.equal(detectorByName('seasonal-profile').name, 'seasonal-profile');
});
