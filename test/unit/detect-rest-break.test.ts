// The rest after a flag keeps one incident to one anomaly, but a much larger incident that starts
// during the rest is news (restBreak): NAB's exchange-4_cpc rose a little, was flagged, and the
// rest hid the jump to twenty times the level that followed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveDetector } from '../../collector/detect/adaptive.ts';
import { noiseSeries, runDetector } from './detect-synthetic.ts';

const flagsOf = (points: { isAnomaly: boolean }[]): number[] => points.flatMap((p, i) => (p.isAnomaly ? [i] : []));

/** 50 +- 1, a rise of `rise` from point 2000, and from point 2030 a rise of `jump` instead. */
function riseThenJump(rise: number, jump: number, seed: number): number[] {
  const values = noiseSeries(2300, 50, 1, seed);
  for (let i = 2000; i < 2300; i++) values[i] += i < 2030 ? rise : jump;
  return values;
}

test('adaptive rest break: a jump ten times the size of the incident being rested on is flagged at once', () => {
  for (const seed of [1, 2, 3]) {
    const flags = flagsOf(runDetector(new AdaptiveDetector(), riseThenJump(8, 80, seed)));
    assert.ok(flags.includes(2030) || flags.includes(2031), `seed ${seed}: flags ${flags.filter((i) => i >= 1990)}`);
    assert.equal(flags.filter((i) => i >= 2000 && i < 2030).length, 1, `seed ${seed}: the small rise is flagged once: ${flags}`);
  }
});

test('adaptive rest break: off (restBreak 0), the rest hides the jump', () => {
  const flags = flagsOf(runDetector(new AdaptiveDetector({ restBreak: 0 }), riseThenJump(8, 80, 1)));
  assert.deepEqual(flags.filter((i) => i >= 2030 && i < 2100), []);
  assert.equal(flags.filter((i) => i >= 2000 && i < 2030).length, 1);
});

test('adaptive rest break: an incident that stays the same size is still one flag', () => {
  for (const seed of [1, 2, 3]) {
    const flags = flagsOf(runDetector(new AdaptiveDetector(), riseThenJump(8, 8, seed)));
    assert.equal(flags.filter((i) => i >= 2000 && i < 2100).length, 1, `seed ${seed}: ${flags.filter((i) => i >= 1990)}`);
  }
});

test('adaptive rest break: a jump less than twice the incident does not break the rest', () => {
  for (const seed of [1, 2, 3]) {
    const flags = flagsOf(runDetector(new AdaptiveDetector(), riseThenJump(8, 12, seed)));
    assert.equal(flags.filter((i) => i >= 2000 && i < 2100).length, 1, `seed ${seed}: ${flags.filter((i) => i >= 1990)}`);
  }
});
