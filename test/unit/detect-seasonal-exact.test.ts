// Exact checks of the seasonal profile on a period of 4 ms in 2 bins, where every step can be
// worked by hand: bin placement and interpolation, the first period's split into level and
// profile, the learning gains, readiness, the threshold and the level shift (mutation testing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeasonalProfileDetector, WEEK_MS, type SeasonalProfileOptions } from '../../collector/detect/seasonal-profile.ts';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-9, `${what}: ${actual}, expected ${expected}`);

const TINY: Partial<SeasonalProfileOptions> = { periodMs: 4, bins: 2, originMs: 0, alpha: 0.5, memoryPeriods: 3, residualWindow: 10, threshold: 5, clip: 3, shiftRun: 3, minScale: 1, relativeMinScale: 0 };

/** First period: bin 0 (ts 0, 1) averages 11, bin 1 (ts 2, 3) 21, so the level is 16 and the profile [-5, 5]. */
function learned(options: Partial<SeasonalProfileOptions> = {}): SeasonalProfileDetector {
  const d = new SeasonalProfileDetector({ ...TINY, ...options });
  for (const [ts, v] of [[0, 10], [1, 12], [2, 20], [3, 22]]) {
    const p = d.update(ts, v);
    assert.ok(Number.isNaN(p.expected) && !p.isAnomaly && p.score === 0, `first period at ${ts} is quiet`);
  }
  return d;
}

test('seasonal exact: bin centres, interpolation across the wrap, and the first period split into level and profile', () => {
  const d = learned();
  // ts 4: phase 0, halfway between bin 1's centre (last period) and bin 0's: (5 + -5) / 2
  assert.equal(d.update(4, 16).expected, 16);
  assert.equal(d.update(5, 11).expected, 11, "bin 0's centre");
  assert.equal(d.update(6, 16).expected, 16, 'between the centres');
  assert.equal(d.update(7, 21).expected, 21, "bin 1's centre");
  // The origin moves the phase: with origin 1, ts 5 is phase 0 again.
  const shifted = new SeasonalProfileDetector({ ...TINY, originMs: 1 });
  for (const [ts, v] of [[1, 10], [2, 12], [3, 20], [4, 22]]) shifted.update(ts, v);
  assert.equal(shifted.update(6, 11).expected, 11);
  // An empty bin of the first period counts as 0 in the profile, and not in the level.
  // Four bins, the last left empty: level (10 + 20 + 30) / 3, profile [-10, 0, 10, 0]; ts 7 lies halfway from bin 2 to 3.
  const gap = new SeasonalProfileDetector({ ...TINY, bins: 4 });
  for (const [ts, v] of [[0, 10], [1, 20], [2, 30]]) gap.update(ts, v);
  assert.equal(gap.update(7, 0).expected, 20 + (10 + 0) / 2, 'level is the mean of the filled bins');
  assert.throws(() => new SeasonalProfileDetector({ bins: 1 }), RangeError);
  assert.throws(() => new SeasonalProfileDetector({ periodMs: 0 }), RangeError);
  assert.doesNotThrow(() => new SeasonalProfileDetector({ bins: 2 }));
});

test('seasonal exact: a residual moves the level by alpha and the two bins by the rest, split by weight, with gain 1 / min(updates, memory)', () => {
  const d = learned();
  for (const [ts, v] of [[4, 16], [5, 11], [6, 16], [7, 21]]) d.update(ts, v); // residual 0; updates now 6 per bin
  // ts 8 (phase 0, weight 1/2 on each bin): residual 4 -> level 16 + 2; each bin gets 2 / 2 with gain
  // 1 / min(7 updates, 3 periods x 2 points) = 1/6.
  assert.equal(d.update(8, 20).expected, 16);
  close(d.update(9, 0).expected, 18 + (-5 + 1 / 6), 'bin 0 after one update');
});

const FLAT = [16, 11, 16, 21];

/** Learned, then ten points on the profile (residual 0, ts 4..13): ready from ts 14 with the default two periods. */
function steady(options: Partial<SeasonalProfileOptions> = {}): SeasonalProfileDetector {
  const d = learned(options);
  for (let ts = 4; ts < 14; ts++) assert.equal(d.update(ts, FLAT[ts % 4]).isAnomaly, false);
  return d;
}

test('seasonal exact: no flag before ten residuals and the warm-up periods; then z over the scale floor, exclusive threshold, direction', () => {
  const early = learned();
  for (let ts = 4; ts < 13; ts++) early.update(ts, FLAT[ts % 4]);
  assert.equal(early.update(13, FLAT[1] + 50).isAnomaly, false, 'nine residuals kept: not ready');
  const longer = steady({ warmupPeriods: 4 });
  assert.equal(longer.update(14, FLAT[2] + 50).isAnomaly, false, 'ts 14 is within four periods');
  assert.equal(longer.update(15, FLAT[3] + 50).isAnomaly, false, 'ts 15 is within four periods');
  // Every residual was 0: the scale is the floor, 1, so z is the residual itself.
  const at5 = steady().update(14, FLAT[2] + 5);
  assert.deepEqual([at5.isAnomaly, at5.score, at5.expected], [false, 0.5, 16], 'z = 5 is the threshold, not past it');
  const up = steady().update(14, FLAT[2] + 6);
  assert.deepEqual([up.isAnomaly, up.score], [true, 0.6]);
  assert.deepEqual([steady({ direction: 'down' }).update(14, FLAT[2] + 9).isAnomaly, steady({ direction: 'down' }).update(14, FLAT[2] - 9).isAnomaly], [false, true]);
  assert.deepEqual([steady({ direction: 'up' }).update(14, FLAT[2] + 9).isAnomaly, steady({ direction: 'up' }).update(14, FLAT[2] - 9).isAnomaly], [true, false]);
  // The relative floor: 0.5 x |expected 16| = 8, so a residual of 6 is z 0.75.
  assert.equal(steady({ relativeMinScale: 0.5 }).update(14, FLAT[2] + 6).score, 0.75 / 10);
});

test('seasonal exact: flagged residuals are clipped before they teach; a run of same-sign flags moves the level by their median', () => {
  const d = steady({ alpha: 0 });
  // ts 14 (between the centres): residual 10, clipped to 3, half to each bin with gain 1/6: profile [-4.75, 5.25].
  assert.equal(d.update(14, FLAT[2] + 10).isAnomaly, true);
  // ts 15 (bin 1's centre): residual 51 - 21.25 = 29.75, clipped to 3, all to bin 1: profile [-4.75, 5.75].
  assert.equal(d.update(15, FLAT[3] + 30).expected, 21.25);
  // ts 16 (between): residual 36 - 16.5 = 19.5; the third flag up is a shift: the level moves by the
  // median of 10, 29.75 and 19.5, and the bins learn 0.25 each: [-4.5, 6].
  assert.equal(d.update(16, FLAT[0] + 20).expected, 16.5);
  assert.equal(d.update(17, 0).expected, 16 + 19.5 - 4.5);
  // A flag of the other sign restarts the run: +10, -10, +10 never shifts.
  const e = steady({ alpha: 0 });
  for (const [ts, r] of [[14, 10], [15, -10], [16, 10]]) assert.equal(e.update(ts, FLAT[ts % 4] + r).isAnomaly, true);
  const after = e.update(17, 0).expected;
  assert.ok(after < 12, `no shift after mixed signs: ${after}`);
  // An unflagged point also restarts it: +10, +10, +1, +10 never shifts.
  const f = steady({ alpha: 0 });
  for (const [ts, r] of [[14, 10], [15, 10], [16, 1], [17, 10]]) f.update(ts, FLAT[ts % 4] + r);
  assert.ok(f.update(18, 16).expected < 20, 'no shift across an unflagged point');
});

test('seasonal exact: names, the week, the refusal; the period gate at its edge, from a first point that is not 0', () => {
  assert.equal(WEEK_MS, 604_800_000);
  assert.equal(new SeasonalProfileDetector().name, 'seasonal-profile');
  assert.throws(() => new SeasonalProfileDetector({ bins: 1 }), /seasonal profile needs bins >= 2 and periodMs > 0/);
  // Starting at ts 100 (25 periods in, so the phases are those above): four warm-up periods end at 116.
  const from100 = (spikeAt: number) => {
    const d = new SeasonalProfileDetector({ ...TINY, warmupPeriods: 4 });
    for (const [ts, v] of [[100, 10], [101, 12], [102, 20], [103, 22]]) d.update(ts, v);
    for (let ts = 104; ts < spikeAt; ts++) d.update(ts, FLAT[ts % 4]);
    return d.update(spikeAt, FLAT[spikeAt % 4] + 50).isAnomaly;
  };
  assert.deepEqual([from100(115), from100(116)], [false, true]);
});

test('seasonal exact: the clip is clip x scale on both sides (scale 2 here)', () => {
  // minScale 2: a residual of +-30 is z 15, flagged, and teaches +-6 (3 x 2), half to each bin, gain 1/6.
  const up = steady({ alpha: 0, minScale: 2 });
  up.update(14, FLAT[2] + 30);
  assert.equal(up.update(15, 0).expected, 21 + 0.5);
  const down = steady({ alpha: 0, minScale: 2 });
  down.update(14, FLAT[2] - 30);
  assert.equal(down.update(15, 0).expected, 21 - 0.5);
});

test('seasonal exact: a residual at exactly the threshold breaks a run; a sign change starts a new one with itself', () => {
  const d = steady({ alpha: 0 });
  d.update(14, FLAT[2] + 10); // flag; bins [-4.75, 5.25]
  d.update(15, 21.25 + 5); // z = 5: not past the threshold, so the run restarts
  d.update(16, FLAT[0] + 10);
  assert.ok(d.update(17, 0).expected < 14, 'no shift: the run was broken by the point at the threshold');
  const e = steady({ alpha: 0 });
  for (const [ts, r] of [[14, 10], [15, -10], [16, -10], [17, -10]]) assert.equal(e.update(ts, FLAT[ts % 4] + r).isAnomaly, true);
  assert.ok(e.update(18, 0).expected < 10, 'the three flags down (the first of them restarted the run) shift the level down');
});

test('seasonal exact: the scale is the residuals MAD when it is above the floors', () => {
  const noisy = learned({ alpha: 0 });
  for (let ts = 4; ts < 14; ts++) noisy.update(ts, FLAT[ts % 4] + (ts % 2 === 0 ? 2 : -2));
  // MAD of residuals near +-2 is about 2, a scale near 3: a residual of 10 is z about 3, not flagged.
  assert.equal(noisy.update(14, FLAT[2] + 10).isAnomaly, false);
});
