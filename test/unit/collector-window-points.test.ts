// Window points leave out a zero base with its numerators, so InfluxQL's x / 0 = 0 can never
// show a falsely healthy rate; bases with samples are written, zero numerators included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowPoints } from '../../collector/points/window-points.ts';
import { WindowAccumulator } from '../../collector/windows/accumulator.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

function pointOf(acc: WindowAccumulator) {
  const result: WindowResult = { granularity: '10s', start: 0, end: 10_000, agent: '*', model_version: '*', replica: '0', fields: acc.fields(10), acc };
  return windowPoints(result)[0].fields;
}

test('no labelled traffic: fp, clean_labelled, tp, stego_labelled and det_<m>_n/_hits are left out', () => {
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: '1', tsMs: 0, prob: 0.1 }));
  const f = pointOf(acc);
  for (const name of ['fp', 'clean_labelled', 'tp', 'stego_labelled', 'det_alpha_n', 'det_alpha_hits'])
    assert.equal(name in f, false, `${name} written although its base is 0`);
  assert.equal(f.count, 1n);
  assert.equal(f.scored, 1n);
  assert.equal(f.stego, 0n, 'a zero numerator over a real base is a real 0');
});

test('with labelled clean traffic and no false positive, fp = 0 is written beside its base', () => {
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: '1', tsMs: 0, prob: 0.1, label: { category: 'clean' } }));
  const f = pointOf(acc);
  assert.equal(f.fp, 0n);
  assert.equal(f.clean_labelled, 1n);
});

test('a window of errors only has no scored base: stego and pred_<m> are left out, errors stay', () => {
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: '1', tsMs: 0, error: 'decode.failed' }));
  const f = pointOf(acc);
  assert.equal('scored' in f, false);
  assert.equal('stego' in f, false);
  assert.equal('pred_alpha' in f, false);
  assert.equal(f.errors, 1n);
});
