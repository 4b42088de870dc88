// The factory builds exactly the detector it documents: each one is run beside a twin built by
// hand with the options it should have, over a series where those options matter, and the two
// must agree point for point (found by mutation testing, README "Testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDetector } from '../../collector/detect/adaptive.ts';
import { EwmaCusumDetector } from '../../collector/detect/ewma-cusum.ts';
import { detectorByName, detectorForKind, UnknownDetectorError } from '../../collector/detect/factory.ts';
import { RobustZDetector } from '../../collector/detect/robust-z.ts';
import { DAY_MS, SeasonalProfileDetector, WEEK_MS } from '../../collector/detect/seasonal-profile.ts';
import type { Detector } from '../../collector/detect/types.ts';
import { noiseSeries } from './detect-synthetic.ts';

const HOUR_MS = 3_600_000;

/** A noisy level with a spike up, a dip down and a small step: direction, scale and threshold all change some verdict. */
function eventful(n: number, seed: number): number[] {
  const values = noiseSeries(n, 0.05, 0.002, seed);
  values[Math.floor(n * 0.5)] += 0.03;
  values[Math.floor(n * 0.7)] -= 0.03;
  for (let i = Math.floor(n * 0.85); i < n; i++) values[i] += 0.006;
  return values;
}

/** A daily shape sampled every `stepMs`, with noise, and a spike on the last day. */
function daily(days: number, stepMs: number): number[] {
  const n = Math.round((days * DAY_MS) / stepMs);
  const noise = noiseSeries(n, 0, 2, 11);
  const values = noise.map((e, i) => 100 + 40 * Math.sin((2 * Math.PI * i * stepMs) / DAY_MS) + e);
  values[n - 5] += 80;
  return values;
}

function run(detector: Detector, values: readonly number[], stepMs: number): unknown[] {
  return values.map((v, i) => detector.update(i * stepMs, v));
}

function assertTwins(built: Detector, twin: Detector, other: Detector, values: readonly number[], stepMs: number, what: string): void {
  const expected = run(twin, values, stepMs);
  assert.deepEqual(run(built, values, stepMs), expected, what);
  // The series tells options apart: a detector built otherwise gives other verdicts (the check above can fail).
  assert.notDeepEqual(run(other, values, stepMs), expected, `${what}: the series does not tell the options apart`);
}

test('factory: a kind gets the adaptive detector with its direction, noise floor and level points', () => {
  const values = eventful(600, 3);
  assertTwins(detectorForKind('error_rate'), new AdaptiveDetector({ direction: 'up', minScale: 0.002, levelPoints: 5 }), new AdaptiveDetector(), values, 60_000, 'error_rate');
  assertTwins(detectorByName('error_rate'), new AdaptiveDetector({ direction: 'up', minScale: 0.002, levelPoints: 5 }), new AdaptiveDetector(), values, 60_000, 'error_rate by name');
  assertTwins(detectorForKind('detection_rate', { season: 'none' }), new AdaptiveDetector({ direction: 'down', minScale: 0.002, levelPoints: 5 }), new AdaptiveDetector({ minScale: 0.002, levelPoints: 5 }), values, 60_000, 'detection_rate, season none');
  assertTwins(
    detectorForKind('latency_p95', { adaptive: { flagAt: 0.05, direction: 'both' } }),
    new AdaptiveDetector({ direction: 'both', minScale: 0.05, levelPoints: 1, flagAt: 0.05 }),
    new AdaptiveDetector({ direction: 'up', minScale: 0.05, levelPoints: 1 }),
    values,
    60_000,
    'latency_p95 with overrides',
  );
});

test('factory: a season override gives the seasonal profile, a day in 96 bins or a week in 336', () => {
  const step = 15 * 60_000;
  const day = daily(3, step);
  const profile = (periodMs: number, bins: number) => new SeasonalProfileDetector({ periodMs, bins, direction: 'both', minScale: 1 });
  assertTwins(detectorForKind('request_rate', { season: 'daily' }), profile(DAY_MS, 96), profile(DAY_MS, 336), day, step, 'daily');
  assertTwins(detectorForKind('request_rate', { season: 'weekly' }), profile(WEEK_MS, 336), profile(DAY_MS, 336), day, step, 'weekly, first days');
  const weeks = daily(9, HOUR_MS);
  assertTwins(detectorForKind('request_rate', { season: 'weekly' }), profile(WEEK_MS, 336), profile(WEEK_MS, 96), weeks, HOUR_MS, 'weekly, past the first week');
  assertTwins(
    detectorForKind('latency_p95', { season: 'daily', seasonal: { threshold: 2 } }),
    new SeasonalProfileDetector({ periodMs: DAY_MS, bins: 96, direction: 'up', minScale: 0.05, threshold: 2 }),
    new SeasonalProfileDetector({ periodMs: DAY_MS, bins: 96, direction: 'both', minScale: 0.05, threshold: 2 }),
    day,
    step,
    'latency_p95 daily with overrides',
  );
});

test('factory: single methods by name take the generic profile and their overrides', () => {
  const values = eventful(400, 5);
  const step = 60_000;
  assertTwins(detectorByName('adaptive'), new AdaptiveDetector({ levelPoints: 1 }), new AdaptiveDetector({ levelPoints: 5 }), values, step, 'adaptive');
  assertTwins(detectorByName('robust-z', { robustZ: { threshold: 2 } }), new RobustZDetector({ threshold: 2 }), new RobustZDetector(), values, step, 'robust-z');
  assertTwins(detectorByName('ewma-cusum', { ewmaCusum: { limit: 3 } }), new EwmaCusumDetector({ limit: 3 }), new EwmaCusumDetector(), values, step, 'ewma-cusum');
  const profile = (periodMs: number, bins: number) => new SeasonalProfileDetector({ periodMs, bins, direction: 'both', minScale: 1e-9 });
  const day = daily(3, 15 * 60_000);
  assertTwins(detectorByName('seasonal-profile'), profile(DAY_MS, 96), profile(WEEK_MS, 336), day, 15 * 60_000, 'seasonal-profile');
  assertTwins(detectorByName('seasonal-profile', { season: 'weekly' }), profile(WEEK_MS, 336), profile(DAY_MS, 96), day, 15 * 60_000, 'seasonal-profile weekly');
});

test('factory: an unknown name says which names there are', () => {
  assert.throws(
    () => detectorByName('magic'),
    (e: unknown) =>
      e instanceof UnknownDetectorError &&
      e.message ===
        'unknown detector "magic"; use a series kind (latency_p95, error_rate, request_rate, stego_rate, fpr, detection_rate, mean_prob, drift_score, generic) or a method (adaptive, robust-z, ewma-cusum, seasonal-profile, robust-z+ewma-cusum)',
  );
  assert.throws(() => detectorByName('toString'), UnknownDetectorError, 'a name inherited by every object is not a detector');
});
