// Ready inputs for timing the model alone: one image of random bits in every stream. Bits rather
// than a constant: convolutions cost the same on any values, but this keeps no layer's output
// trivially zero.
import ort from 'onnxruntime-node';
import { STREAM_NAMES, STREAM_SHAPES, streamSize } from '../v4/contract.ts';

export function randomBitFeeds(): Record<string, ort.Tensor> {
  return Object.fromEntries(STREAM_NAMES.map((name) => {
    const data = Float32Array.from({ length: streamSize(name) }, () => (Math.random() < 0.5 ? 0 : 1));
    return [name, new ort.Tensor('float32', data, [1, ...STREAM_SHAPES[name]])];
  }));
}
