import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelOutputs } from '../../v4/outputs.ts';
import { argmax, sigmoid, softmax, verdictAt, verdicts } from '../../v4/verdict.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

describe('verdict math', () => {
  it('sigmoid', () => {
    close(sigmoid(0), 0.5);
    close(sigmoid(2), 1 / (1 + Math.exp(-2)));
    close(sigmoid(-2), 1 - sigmoid(2));
    assert.equal(sigmoid(-1000), 0);
    assert.equal(sigmoid(1000), 1);
  });

  it('softmax sums to one, keeps order, does not overflow', () => {
    const p = softmax([1, 2, 3]);
    close(p.reduce((a, b) => a + b, 0), 1);
    close(p[2] / p[1], Math.E);
    const big = softmax([1000, 1001]);
    close(big[1], 1 / (1 + Math.exp(-1)));
  });

  it('argmax takes the first of equal values', () => {
    assert.deepEqual(argmax([0.1, 0.7, 0.7, 0.2]), { index: 1, value: 0.7 });
  });
});

describe('verdicts from outputs', () => {
  const out: ModelOutputs = {
    batch: 2,
    values: {
      stego_logits: Float32Array.from([2, -1]),
      method_logits: Float32Array.from([0, 0, 3, 0, 0, 5, 0, 0, 0, 0]),
      bit_order_logits: Float32Array.from([0, 4, 0, 0, 0, 1]),
    },
  };

  it('one verdict per image, in order', () => {
    const [a, b] = verdicts(out);
    close(a.stegoProb, sigmoid(2), 1e-6);
    assert.equal(a.isStego, true);
    assert.equal(a.method, 'lsb.rgb');
    close(a.methodProb!, Math.exp(3) / (Math.exp(3) + 4), 1e-6);
    assert.equal(a.bitOrder, 'msb-first');
    assert.equal(b.isStego, false);
    assert.equal(b.method, 'alpha');
    assert.equal(b.bitOrder, 'none');
  });

  it('method_probs is used as given, not softmaxed again', () => {
    const v = verdictAt({ batch: 1, values: { stego_logits: Float32Array.from([0]), method_probs: Float32Array.from([0.1, 0.1, 0.1, 0.6, 0.1]) } }, 0);
    assert.equal(v.method, 'exif');
    close(v.methodProb!, 0.6, 1e-6);
  });

  it('missing outputs give null fields', () => {
    const v = verdictAt({ batch: 1, values: { stego_logits: Float32Array.from([-3]) } }, 0);
    assert.deepEqual({ method: v.method, methodProb: v.methodProb, bitOrder: v.bitOrder }, { method: null, methodProb: null, bitOrder: null });
  });

  it('the threshold is strict and adjustable', () => {
    const zero: ModelOutputs = { batch: 1, values: { stego_logits: Float32Array.from([0]) } };
    assert.equal(verdictAt(zero, 0).isStego, false);
    assert.equal(verdictAt(zero, 0, 0.4).isStego, true);
  });
});
