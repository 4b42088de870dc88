// The adaptive detector's options at their edges (found by mutation testing, README "Testing"):
// no flag while `seen <= warmup`, exactly `restPoints` quiet points after a flag, and no forecast
// before the level forecast was tried on `max(1, warmup)` points. A steady noisy level with
// spikes of 50 sigma, so each verdict here depends on the option alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDetector, type AdaptiveOptions } from '../../collector/detect/adaptive.ts';
import { noiseSeries } from './detect-synthetic.ts';

const BASE = noiseSeries(120, 10, 0.1, 21);

function flags(options: Partial<AdaptiveOptions>, spikes: number[]): number[] {
  const d = new AdaptiveDetector(options);
  const values = BASE.map((v, i) => (spikes.includes(i) ? v + 5 : v));
  return values.flatMap((v, i) => (d.update(i * 60_000, v).isAnomaly ? [i] : []));
}

test('adaptive: a spike on point warmup + 1 is flagged, on point warmup it is not', () => {
  // Point index 60 is the 61st point.
  assert.deepEqual(flags({ warmup: 60, errorMemory: 10 }, [60]), [60]);
  assert.equal(flags({ warmup: 61, errorMemory: 10 }, [60]).includes(60), false);
});

test('adaptive: after a flag, exactly restPoints points stay quiet', () => {
  assert.deepEqual(flags({ warmup: 30, errorMemory: 10, restPoints: 10 }, [60, 71]), [60, 71]);
  assert.deepEqual(flags({ warmup: 30, errorMemory: 10, restPoints: 11 }, [60, 71]).includes(71), false);
});

test('adaptive: no expectation until the level forecast was tried on max(1, warmup) points', () => {
  const expected = (warmup: number) => {
    const d = new AdaptiveDetector({ warmup });
    return BASE.slice(0, 6).map((v, i) => !Number.isNaN(d.update(i * 60_000, v).expected));
  };
  // The first point has no forecast; the level forecast's errors count from the second.
  assert.deepEqual(expected(3), [false, false, false, false, true, true]);
  assert.deepEqual(expected(0), [false, false, true, true, true, true]);
});
