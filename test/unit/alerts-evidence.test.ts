// Rates judged on counts: the Wilson interval, the minimum sample size for a target, and the rate
// rules that need the whole interval past their limit before they fire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minSamplesForTarget, wilson } from '../../collector/alerts/evidence.ts';
import { evaluateRules } from '../../collector/alerts/rules.ts';
import { shortfalls, standingCondition } from '../../collector/alerts/standing.ts';
import { STARLIGHT_TARGETS } from '../../collector/alerts/rules.ts';

test('wilson: known values (1/10: 0.018-0.404; 0/0: nothing known)', () => {
  const i = wilson({ hits: 1, n: 10 });
  assert.equal(i.rate, 0.1);
  assert.ok(Math.abs(i.lower - 0.01787) < 1e-4, String(i.lower));
  assert.ok(Math.abs(i.upper - 0.40415) < 1e-4, String(i.upper));
  const none = wilson({ hits: 0, n: 0 });
  assert.deepEqual([none.lower, none.upper, none.n], [0, 1, 0]);
});

test('minimum sample size: FPR 0.05% needs 7,680 clean samples, 1% needs 381', () => {
  assert.equal(minSamplesForTarget(0.0005), 7680);
  assert.equal(minSamplesForTarget(0.01), 381);
  // The definition: with no hits, n samples are the first whose interval reaches down to the target.
  const n = minSamplesForTarget(0.0005);
  assert.ok(wilson({ hits: 0, n }).upper <= 0.0005);
  assert.ok(wilson({ hits: 0, n: n - 1 }).upper > 0.0005);
  assert.throws(() => minSamplesForTarget(0), RangeError);
});

test('a dozen images with one false positive (8.3%) is no evidence of FPR above 5%; 250 of 1000 is', () => {
  const few = evaluateRules({ ts: 0, key: 'overall', fpr: 1 / 12, counts: { fpr: { hits: 1, n: 12 } } }, { targets: { ...STARLIGHT_TARGETS, fprMax: 0.05 } });
  const fprRule = (cs: ReturnType<typeof evaluateRules>) => cs.find((c) => c.ruleId === 'fpr_above_target');
  assert.equal(fprRule(few)?.active, false, 'the interval (1.5%-35%) still holds 5%');
  assert.match(fprRule(few)!.summary, /95% CI .*n=12/);
  const many = evaluateRules({ ts: 0, key: 'overall', fpr: 0.25, counts: { fpr: { hits: 250, n: 1000 } } }, { targets: { ...STARLIGHT_TARGETS, fprMax: 0.05 } });
  assert.equal(fprRule(many)?.active, true);
});

test('detection below target needs the whole interval below it: 19/20 is not evidence against 99%, 90/100 is', () => {
  const rule = (hits: number, n: number) =>
    evaluateRules({ ts: 0, key: 'overall', detectionByMethod: { exif: hits / n }, counts: { detectionByMethod: { exif: { hits, n } } } })
      .find((c) => c.ruleId === 'detection_below_target');
  assert.equal(rule(19, 20)?.active, false, 'the interval reaches 99.1%');
  assert.equal(rule(90, 100)?.active, true);
});

const referenceBaseline = { fpr: 0.14, detectionByMethod: { alpha: 0.875, palette: 0, 'lsb.rgb': 0, exif: 1, raw: 0.9875 }, model: 'v4-reference-1' };

test('judged against its baseline: targets the baseline misses are one standing notice, not rules; a regression still fires', () => {
  const s = { ts: 0, key: 'overall', fpr: 0.13, counts: { fpr: { hits: 130, n: 1000 } }, detectionByMethod: { palette: 0, exif: 1 }, latencyP95Ms: 3 };
  const c = evaluateRules(s, { baseline: referenceBaseline });
  assert.equal(c.find((x) => x.ruleId === 'fpr_above_target'), undefined, 'FPR 13% is known from validation (14%)');
  assert.equal(c.find((x) => x.key === 'overall/method=palette' && x.ruleId === 'detection_below_target'), undefined);
  assert.equal(c.find((x) => x.key === 'overall/method=exif' && x.ruleId === 'detection_below_target')?.active, false, 'exif meets the target: still judged');
  assert.equal(c.find((x) => x.ruleId === 'fpr_regression')?.active, false, '13% is no regression from 14%');
  const worse = evaluateRules({ ...s, fpr: 0.3, counts: { fpr: { hits: 300, n: 1000 } } }, { baseline: referenceBaseline });
  assert.equal(worse.find((x) => x.ruleId === 'fpr_regression')?.active, true, '30% (CI 27-33%) > 1.1 x 14%');

  const standing = standingCondition(referenceBaseline, STARLIGHT_TARGETS);
  assert.equal(standing?.active, true);
  assert.equal(standing?.severity, 'info');
  assert.deepEqual(shortfalls(referenceBaseline, STARLIGHT_TARGETS).length, 5, 'FPR, alpha, palette, lsb.rgb, raw');
  assert.equal(standingCondition({ fpr: 0.0001 }, STARLIGHT_TARGETS)?.active, false, 'a baseline within targets has nothing standing');
  assert.deepEqual(shortfalls({ fpr: 0, fprClean: 400 }, STARLIGHT_TARGETS), ['FPR 0.000% (0/400 clean; 95% upper 0.951%) not shown <= 0.05%'], '400 clean images cannot show 0.05%');
  assert.deepEqual(shortfalls({ fpr: 0, fprClean: 10_000 }, STARLIGHT_TARGETS), [], '0 of 10,000 shows it');
});

test('the evidence pool holds the last alerts.evidenceWindows windows and no more', async () => {
  const { EvidencePool } = await import('../../collector/analysis/evidence-pool.ts');
  const { WindowAccumulator } = await import('../../collector/windows/accumulator.ts');
  const window = (fp: number, clean: number) => Object.assign(new WindowAccumulator(), { fp, cleanLabelled: clean });
  const pool = new EvidencePool(2);
  assert.deepEqual(pool.add(window(1, 10)).fpr, { hits: 1, n: 10 });
  assert.deepEqual(pool.add(window(2, 10)).fpr, { hits: 3, n: 20 });
  assert.deepEqual(pool.add(window(0, 10)).fpr, { hits: 2, n: 20 }, 'the first window left the pool');
});
