// One all-zero array per stream shape, shared by every image that lacks that stream (no alpha,
// no palette, no meta bytes). Nothing may write into these: the model only reads its inputs,
// and batching copies them. A Float32Array cannot be frozen, so this comment is the guard.
import { type StreamName, streamSize } from '../contract.ts';

const shared = new Map<StreamName, Float32Array>();

export function sharedZeros(name: StreamName): Float32Array {
  let z = shared.get(name);
  if (!z) {
    z = new Float32Array(streamSize(name));
    shared.set(name, z);
  }
  return z;
}
