import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psi, psiLevel } from '../../collector/drift/psi.ts';
import { jensenShannon } from '../../collector/drift/jensen-shannon.ts';
import { probabilityBucket, sizeBucket } from '../../collector/drift/buckets.ts';
import { DriftMonitor, type FacetCounts } from '../../collector/drift/drift-monitor.ts';
import { alignedProbabilities, type Counts } from '../../collector/drift/distribution.ts';
import { seededRandom } from './detect-synthetic.ts';

test('drift: PSI and JS are 0 for identical mixes and match hand-computed values', () => {
  assert.equal(psi({ a: 50, b: 50 }, { a: 5, b: 5 }), 0);
  assert.equal(jensenShannon({ a: 1, b: 3 }, { a: 2, b: 6 }), 0);
  // p = (0.5, 0.5), q = (0.8, 0.2): PSI = 0.3 ln 1.6 + (-0.3) ln 0.4
  const expected = 0.3 * Math.log(1.6) - 0.3 * Math.log(0.4);
  assert.ok(Math.abs(psi({ a: 1, b: 1 }, { a: 4, b: 1 }) - expected) < 1e-3);
  assert.ok(Math.abs(jensenShannon({ a: 1 }, { b: 1 }) - 1) < 1e-12, 'disjoint mixes give JS = 1 bit');
  assert.ok(Number.isFinite(psi({ a: 10 }, { a: 5, new_format: 5 })), 'a new category gives a finite PSI');
  assert.equal(psiLevel(0.05), 'stable');
  assert.equal(psiLevel(0.2), 'moderate');
  assert.equal(psiLevel(0.3), 'significant');
});

test('drift: buckets put edges where documented', () => {
  assert.equal(probabilityBucket(0), 'p0.0-0.1');
  assert.equal(probabilityBucket(0.95), 'p0.9-1.0');
  assert.equal(probabilityBucket(1), 'p0.9-1.0');
  assert.equal(sizeBucket(256, 100), '<=256');
  assert.equal(sizeBucket(4000, 3000), '>2048');
});

/** One window of `n` events drawn from the given mixes. */
function sampleWindow(random: () => number, n: number, mixes: Record<string, Record<string, number>>): FacetCounts {
  const facets: Record<string, Counts> = {};
  for (const [facet, mix] of Object.entries(mixes)) {
    const counts: Counts = {};
    const entries = Object.entries(mix);
    for (let i = 0; i < n; i++) {
      let u = random();
      const hit = entries.find(([, share]) => (u -= share) < 0) ?? entries[entries.length - 1];
      counts[hit[0]] = (counts[hit[0]] ?? 0) + 1;
    }
    facets[facet] = counts;
  }
  return facets as FacetCounts;
}

const METHODS = { alpha: 0.2, palette: 0.2, 'lsb.rgb': 0.2, exif: 0.2, raw: 0.2 };
const FORMATS = { png: 0.5, jpeg: 0.3, webp: 0.15, gif: 0.05 };
const PROBS = { 'p0.0-0.1': 0.7, 'p0.1-0.2': 0.1, 'p0.5-0.6': 0.05, 'p0.9-1.0': 0.15 };

test('drift: learns the first 30 windows, stays stable on the same mixes, flags a method-mix shift as prediction drift', () => {
  const random = seededRandom(5);
  const monitor = new DriftMonitor({ referenceWindows: 30, minSamples: 200 });
  const normal = { method: METHODS, format: FORMATS, stego_prob: PROBS };
  for (let i = 0; i < 30; i++) assert.equal(monitor.update({ ts: i, facets: sampleWindow(random, 500, normal) }).status, 'learning');

  for (let i = 30; i < 60; i++) {
    const report = monitor.update({ ts: i, facets: sampleWindow(random, 500, normal) });
    assert.equal(report.status, 'ready');
    assert.ok(report.predictionPsi < 0.1, `window ${i}: PSI ${report.predictionPsi} on unchanged data`);
    assert.ok(report.inputPsi < 0.1);
  }
  const shifted = { ...normal, method: { alpha: 0.1, palette: 0.1, 'lsb.rgb': 0.6, exif: 0.1, raw: 0.1 } };
  const report = monitor.update({ ts: 60, facets: sampleWindow(random, 500, shifted) });
  assert.equal(report.facets.method?.level, 'significant');
  assert.ok(report.predictionPsi > 0.25);
  assert.ok(report.inputPsi < 0.1, 'formats did not move');
  assert.ok((report.facets.method?.js ?? 0) > 0.05);
});

test('drift: a supplied baseline skips learning; a format shift is input drift; thin windows are not judged', () => {
  const random = seededRandom(6);
  const learner = new DriftMonitor({ referenceWindows: 10 });
  for (let i = 0; i < 10; i++) learner.update({ ts: i, facets: sampleWindow(random, 500, { format: FORMATS }) });
  const monitor = new DriftMonitor({ baseline: learner.exportReference(), minSamples: 100, currentWindows: 3 });
  assert.equal(monitor.ready, true);
  const thin = monitor.update({ ts: 0, facets: sampleWindow(random, 20, { format: FORMATS }) });
  assert.equal(thin.facets.format, undefined, '20 events are below minSamples');
  const moved = { png: 0.2, jpeg: 0.2, webp: 0.6 };
  let report = monitor.update({ ts: 1, facets: sampleWindow(random, 400, { format: moved }) });
  report = monitor.update({ ts: 2, facets: sampleWindow(random, 400, { format: moved }) });
  assert.equal(report.facets.format?.level, 'significant');
  assert.ok(report.facets.format.samples === 820, 'three pooled windows');
  assert.ok(Number.isNaN(report.predictionPsi), 'no prediction facets supplied');
});

test('drift: levels change just above their thresholds, not at them', () => {
  assert.deepEqual([0.1, 0.1000001, 0.25, 0.2500001].map(psiLevel), ['stable', 'moderate', 'moderate', 'significant']);
});

test('drift: probabilities are aligned by sorted key, normalised, and uniform for an empty side', () => {
  const { keys, p, q } = alignedProbabilities({ b: 3, a: 1 }, { c: 2 }, 0);
  assert.deepEqual(keys, ['a', 'b', 'c']);
  assert.deepEqual(p, [0.25, 0.75, 0]);
  assert.deepEqual(q, [0, 0, 1]);
  assert.deepEqual(alignedProbabilities({ a: 0, b: 0 }, { a: 1 }, 0).p, [0.5, 0.5], 'no events at all: every category alike');
  const floored = alignedProbabilities({ a: 1, b: 0 }, { a: 1 }, 0.1).p;
  assert.ok(Math.abs(floored[0] - 1 / 1.1) < 1e-12 && Math.abs(floored[1] - 0.1 / 1.1) < 1e-12, `floored ${floored}`);
});

test('drift: Jensen-Shannon of two disjoint halves is exactly 1 bit, of a half overlap 0.5', () => {
  assert.equal(jensenShannon({ a: 1 }, { b: 1 }), 1);
  // p = (1/2, 1/2, 0), q = (0, 1/2, 1/2): JS = 0.5 exactly.
  assert.ok(Math.abs(jensenShannon({ a: 1, b: 1 }, { b: 1, c: 1 }) - 0.5) < 1e-12);
  assert.ok(Math.abs(jensenShannon({ a: 3, b: 1 }, { a: 1, b: 3 }) - jensenShannon({ a: 1, b: 3 }, { a: 3, b: 1 })) < 1e-15, 'symmetric');
});

test('drift: a facet is judged from exactly minSamples events, never with an empty reference', () => {
  const monitor = new DriftMonitor({ baseline: { method: { alpha: 5, raw: 5 }, format: { png: 0 } }, minSamples: 10 });
  assert.equal(monitor.ready, true, 'a baseline skips learning');
  assert.deepEqual(monitor.exportReference(), { method: { alpha: 5, raw: 5 }, format: { png: 0 } });
  const short = monitor.update({ ts: 1, facets: { method: { alpha: 9 }, format: { png: 10 } } });
  assert.deepEqual(short.facets, {}, '9 events are too few; a reference of no events judges nothing');
  assert.ok(Number.isNaN(short.predictionPsi) && Number.isNaN(short.inputPsi));
  const enough = monitor.update({ ts: 2, facets: { method: { alpha: 5, raw: 5 }, format: { png: 10 } } });
  assert.deepEqual(Object.keys(enough.facets), ['method']);
  assert.deepEqual([enough.facets.method?.samples, enough.facets.method?.psi, enough.facets.method?.level], [10, 0, 'stable']);
  assert.equal(enough.predictionPsi, 0);
});
