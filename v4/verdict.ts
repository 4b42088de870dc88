// Model outputs -> a typed verdict per image. Logits become probabilities here (sigmoid for
// stego, softmax for method and bit order); a model with method_probs is used as is.
import { BIT_ORDERS, METHODS, type BitOrder, type StegoMethod } from './contract.ts';
import { outputRow, type ModelOutputs } from './outputs.ts';

export const STEGO_THRESHOLD = 0.5;

export interface Verdict {
  /** Probability that the image hides a payload. */
  stegoProb: number;
  isStego: boolean;
  /** Most likely method, whatever isStego says; null if the model has no method output. */
  method: StegoMethod | null;
  methodProb: number | null;
  /** Most likely bit order; null if the model has no bit-order output. */
  bitOrder: BitOrder | null;
  /** True when the model said stego by a method the file's container cannot hold (container-rule.ts). */
  ruledOut?: boolean;
}

export function sigmoid(x: number): number {
  // Two forms so that exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const exps = Array.from(logits, (x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Index and value of the largest entry; the first one wins a tie. */
export function argmax(values: ArrayLike<number>): { index: number; value: number } {
  let index = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[index]) index = i;
  return { index, value: values[index] };
}

function methodProbs(out: ModelOutputs, i: number): ArrayLike<number> | null {
  const probs = outputRow(out, 'method_probs', i);
  if (probs) return probs;
  const logits = outputRow(out, 'method_logits', i);
  return logits ? softmax(logits) : null;
}

export function verdictAt(out: ModelOutputs, i: number, threshold = STEGO_THRESHOLD): Verdict {
  const stego = outputRow(out, 'stego_logits', i);
  if (!stego) throw new Error('model outputs have no stego_logits');
  const stegoProb = sigmoid(stego[0]);
  const probs = methodProbs(out, i);
  const best = probs ? argmax(probs) : null;
  const order = outputRow(out, 'bit_order_logits', i);
  return {
    stegoProb,
    isStego: stegoProb > threshold,
    method: best ? METHODS[best.index] : null,
    methodProb: best ? best.value : null,
    bitOrder: order ? BIT_ORDERS[argmax(order).index] : null,
  };
}

export function verdicts(out: ModelOutputs, threshold = STEGO_THRESHOLD): Verdict[] {
  return Array.from({ length: out.batch }, (_, i) => verdictAt(out, i, threshold));
}
