// The window accumulator's edge cases that the merge tests cannot see: an error code on an event
// that still has a verdict, stego verdicts and labels without a method, the empty latency sketch,
// an unknown state version. Found by mutation testing (README "Testing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCountField, WindowAccumulator } from '../../collector/windows/accumulator.ts';
import { LatencySketch } from '../../collector/windows/latency-sketch.ts';
import { decodeState, encodeState } from '../../collector/windows/state.ts';
import { METHODS } from '../../schemas/measurements.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

const zerosOfMethods = (): Record<string, number> => Object.fromEntries(METHODS.map((m) => [m, 0]));

test('accumulator: an error code counts as an error even when the event has a verdict', () => {
  const acc = new WindowAccumulator();
  acc.add({ ...makeEvent({ id: '1', tsMs: 0, prob: 0.9 }), error_code: 'slow_decode' });
  const f = acc.fields(1);
  assert.deepEqual([f.errors, f.err_slow_decode, f.scored, f.stego], [1, 1, 1, 1]);
});

test('accumulator: a stego verdict or label without a method adds to no method', () => {
  const acc = new WindowAccumulator();
  const noMethod = makeEvent({ id: '1', tsMs: 0, prob: 0.9, label: { category: 'stego' } });
  acc.add({ ...noMethod, outputs: { ...noMethod.outputs!, method: null } });
  assert.deepEqual(acc.predicted, zerosOfMethods());
  assert.deepEqual(acc.labelledByMethod, zerosOfMethods());
  assert.deepEqual(acc.detectedByMethod, zerosOfMethods());
  assert.deepEqual([acc.stego, acc.stegoLabelled, acc.tp], [1, 1, 1]);
});

test('accumulator: probSum is the sum of stego_prob', () => {
  const acc = new WindowAccumulator();
  for (const [i, prob] of [0.25, 0.5, 0.125].entries()) acc.add(makeEvent({ id: String(i), tsMs: 0, prob }));
  assert.equal(acc.probSum, 0.875);
});

test('count fields: slow is a count; det_ fields only at the start of the name', () => {
  assert.equal(isCountField('slow'), true);
  assert.equal(isCountField(''), false);
  assert.equal(isCountField('xdet_alpha_n'), false);
  assert.equal(isCountField('xdet_alpha_hits'), false);
  assert.equal(isCountField('det_alpha_hits'), true);
  assert.equal(isCountField('pred_alpha'), true);
});

test('latency sketch: an empty sketch encodes as the empty string and decodes from it', () => {
  const empty = LatencySketch.empty();
  assert.equal(empty.encode(), '');
  const back = LatencySketch.decode('');
  assert.deepEqual([back.count, back.encode()], [0, '']);
  const one = LatencySketch.empty();
  one.recordMs(2.5);
  const again = LatencySketch.decode(one.encode());
  assert.deepEqual([again.count, again.percentileMs(50)], [1, 2.501], 'the highest value within 0.1% of 2.5 ms');
});

test('window state: an unknown version is refused by name', () => {
  const state = JSON.parse(encodeState(new WindowAccumulator())) as { v: number };
  assert.throws(() => decodeState(JSON.stringify({ ...state, v: 2 })), /^Error: unknown window state version 2$/);
});
