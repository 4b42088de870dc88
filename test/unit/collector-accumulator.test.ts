import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorField, isCountField, WindowAccumulator } from '../../collector/windows/accumulator.ts';
import { decodeState, encodeState, mergeStates } from '../../collector/windows/state.ts';
import { makeEvent } from '../fixtures/collector-events.ts';

// A deterministic spread of events: latencies over three decades, errors, labels, formats.
function events(n: number, seed: number) {
  return Array.from({ length: n }, (_, i) => {
    const k = (i * 7919 + seed * 104729) % 1000;
    return makeEvent({
      id: `${seed}-${i}`,
      tsMs: 0,
      totalMs: 0.05 + (k * k) / 1000,
      prob: (k % 100) / 100,
      method: k % 3 === 0 ? 'palette' : 'lsb.rgb',
      error: k % 17 === 0 ? 'too_large' : undefined,
      format: ['PNG', 'jpeg', 'GIF', 'tiff'][k % 4],
      bytes: k * 10_000,
      label: k % 5 === 0 ? { category: 'clean' } : k % 5 === 1 ? { category: 'stego', method: 'palette' } : undefined,
    });
  });
}

const accOf = (list: ReturnType<typeof events>) => {
  const acc = new WindowAccumulator();
  for (const e of list) acc.add(e);
  return acc;
};

test('merging two accumulators gives exactly the accumulator of the union', () => {
  const a = events(700, 1);
  const b = events(500, 2);
  const merged = accOf(a).merge(accOf(b));
  const union = accOf([...a, ...b]);
  assert.deepEqual(merged.fields(60), union.fields(60));
  assert.equal(encodeState(merged), encodeState(union));
});

test('merge is associative and order-free (replicas and windows combine in any order)', () => {
  const [a, b, c] = [events(100, 3), events(200, 4), events(300, 5)];
  const left = accOf(a).merge(accOf(b)).merge(accOf(c));
  const right = accOf(c).merge(accOf(a).merge(accOf(b)));
  assert.deepEqual(left.fields(10), right.fields(10));
});

test('state survives encode/decode, and stored states of replicas merge exactly', () => {
  const a = events(400, 6);
  const b = events(300, 7);
  assert.deepEqual(decodeState(encodeState(accOf(a))).fields(1), accOf(a).fields(1));
  assert.deepEqual(mergeStates([encodeState(accOf(a)), encodeState(accOf(b))]).fields(1), accOf([...a, ...b]).fields(1));
});

test('fields: counts, rates, labelled rates, mixes; ratios absent without a base', () => {
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: '1', tsMs: 0, totalMs: 1, prob: 0.9, method: 'alpha', label: { category: 'clean' } }));
  acc.add(makeEvent({ id: '2', tsMs: 0, totalMs: 2, prob: 0.8, method: 'alpha', label: { category: 'stego', method: 'alpha' } }));
  acc.add(makeEvent({ id: '3', tsMs: 0, totalMs: 3, prob: 0.1, label: { category: 'stego', method: 'alpha' }, format: 'webp' }));
  acc.add(makeEvent({ id: '4', tsMs: 0, totalMs: 4, error: 'decode.failed', bytes: 5_000_000 }));
  const f = acc.fields(2);
  assert.equal(f.count, 4);
  assert.equal(f.rps, 2);
  assert.equal(f.errors, 1);
  assert.equal(f.err_decode_failed, 1);
  assert.equal(f.stego_rate, 2 / 3);
  assert.equal(f.rate_alpha, 2 / 3);
  assert.equal(f.fpr, 1);
  assert.equal(f.det_alpha, 0.5);
  assert.equal(f.det_alpha_n, 2);
  assert.equal(f.det_palette_n, 0);
  assert.equal('det_palette' in f, false);
  assert.equal(f.fmt_PNG, 3);
  assert.equal(f.fmt_WEBP, 1);
  assert.equal(f.size_ge4m, 1);
  assert.equal(f.latency_max, 4);
  assert.equal(f.latency_p50, 2);
  assert.equal('latency_p50' in new WindowAccumulator().fields(1), false);
});

test('slow counts requests over the latency target, and merges as a sum (the latency SLI is exact)', () => {
  const a = new WindowAccumulator(5);
  for (const ms of [1, 5, 5.01, 40]) a.add(makeEvent({ id: String(ms), tsMs: 0, totalMs: ms }));
  const b = new WindowAccumulator(5);
  b.add(makeEvent({ id: 'b', tsMs: 0, totalMs: 9, error: 'too_large' }));
  assert.equal(a.fields(1).slow, 2); // 5 ms is on target, not over it
  const merged = new WindowAccumulator().merge(a).merge(b);
  assert.equal(merged.fields(1).slow, 3);
  assert.equal(decodeState(encodeState(merged)).slow, 3);
  assert.equal(encodeState(merged).includes('slowMs'), false, 'the target is not part of the state');
});

test('per-method counts beside the ratios, so boards can weight them: pred_<m>, det_<m>_hits', () => {
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: '1', tsMs: 0, prob: 0.9, method: 'alpha', label: { category: 'stego', method: 'alpha' } }));
  acc.add(makeEvent({ id: '2', tsMs: 0, prob: 0.1, label: { category: 'stego', method: 'alpha' } }));
  const f = acc.fields(1);
  assert.equal(f.pred_alpha, 1);
  assert.equal(f.det_alpha_hits, 1);
  assert.equal(f.det_alpha_n, 2);
  assert.equal(f.det_alpha_hits / f.det_alpha_n, f.det_alpha);
});

test('count fields are told from ratios by name; error codes become safe field names', () => {
  for (const name of ['count', 'errors', 'scored', 'stego', 'fp', 'clean_labelled', 'tp', 'stego_labelled', 'late', 'err_X', 'fmt_png', 'size_small', 'det_alpha_n'])
    assert.equal(isCountField(name), true, name);
  for (const name of ['fpr', 'stego_rate', 'mean_prob', 'det_alpha', 'rate_alpha', 'latency_p95', 'xerr_a', 'a_fmt_b', 'det_alpha_nx', 'counts'])
    assert.equal(isCountField(name), false, name);
  assert.equal(errorField('CORRUPT_IMAGE'), 'err_CORRUPT_IMAGE');
  assert.equal(errorField('bad code/é-1'), 'err_bad_code___1');
  assert.equal(errorField('x'.repeat(70)), `err_${'x'.repeat(64)}`);
});

test('fields: every counter behind the rates, and none of the ratios without their base', () => {
  const acc = new WindowAccumulator();
  acc.add(makeEvent({ id: '1', tsMs: 0, totalMs: 10, prob: 0.9, method: 'alpha', label: { category: 'clean' } }));
  acc.add(makeEvent({ id: '2', tsMs: 0, totalMs: 20, prob: 0.8, method: 'alpha', label: { category: 'stego', method: 'alpha' } }));
  acc.add(makeEvent({ id: '3', tsMs: 0, totalMs: 30, prob: 0.2, label: { category: 'stego', method: 'raw' } }));
  acc.add(makeEvent({ id: '4', tsMs: 0, totalMs: 5, prob: 0.3, label: { category: 'clean' } }));
  acc.add({ ...makeEvent({ id: '5', tsMs: 0, totalMs: 1 }), outputs: null, error_code: null }); // no verdict, no code
  const f = acc.fields(1);
  assert.deepEqual(
    [f.count, f.scored, f.stego, f.fp, f.clean_labelled, f.tp, f.stego_labelled, f.errors, f.err_unknown, f.late],
    [5, 4, 2, 1, 2, 1, 2, 1, 1, 0],
  );
  assert.ok(Math.abs((f.mean_prob as number) - 2.2 / 4) < 1e-12, `mean_prob ${f.mean_prob}`);
  assert.equal(f.detection_rate, 0.5);
  assert.equal(f.fpr, 0.5);
  assert.deepEqual([f.det_alpha, f.det_raw, f.det_raw_n], [1, 0, 1]);
  assert.deepEqual([f.rate_alpha, f.rate_raw], [0.5, 0]);
  assert.equal(f.latency_max, 30);
  assert.ok((f.latency_p99 as number) >= (f.latency_p95 as number) && (f.latency_p95 as number) > (f.latency_p50 as number), JSON.stringify(f));
  assert.equal(acc.probHist.reduce((a, b) => a + b, 0), 4, 'one histogram count per verdict');

  const errorsOnly = new WindowAccumulator();
  errorsOnly.add(makeEvent({ id: 'e', tsMs: 0, error: 'X' }));
  const g = errorsOnly.fields(1);
  for (const ratio of ['stego_rate', 'mean_prob', 'fpr', 'detection_rate', 'rate_alpha', 'det_alpha']) assert.equal(ratio in g, false, ratio);
  assert.deepEqual([g.count, g.errors, g.err_X, g.scored], [1, 1, 1, 0]);
});

test('a request refused at admission (OVERLOADED) is an error, not latency: an overload does not pull p50 to 0', () => {
  const served = Array.from({ length: 60 }, (_, i) => makeEvent({ id: `s${i}`, tsMs: 0, totalMs: 40 + i }));
  const refused = Array.from({ length: 40 }, (_, i) => makeEvent({ id: `r${i}`, tsMs: 0, totalMs: 0, error: 'OVERLOADED' }));
  const failed = makeEvent({ id: 'f', tsMs: 0, totalMs: 900, error: 'CORRUPT_IMAGE' });
  const f = accOf([...served, ...refused, failed]).fields(60);
  assert.equal(f.count, 101);
  assert.equal(f.errors, 41);
  assert.equal(f[errorField('OVERLOADED')], 40);
  assert.ok((f.latency_p50 as number) >= 60 && (f.latency_p50 as number) <= 72, `p50 ${f.latency_p50} of the 61 worked-on requests`);
  assert.ok(Math.abs((f.latency_max as number) - 900) < 1, 'a failure the agent worked on is latency');
  const onlyRefused = accOf(refused).fields(60);
  assert.equal(onlyRefused.count, 40);
  assert.equal(onlyRefused.latency_p50, undefined, 'no latency without a request worked on');
  assert.equal(onlyRefused.slow, 0);
});
