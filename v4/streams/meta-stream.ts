// meta: EXIF block then tail, the first 2048 bytes, zero padded, /255.
import { META_BYTES } from '../contract.ts';
import { BYTE_TO_UNIT } from './scale.ts';
import { sharedZeros } from './zeros.ts';

export function metaStream(exif: Uint8Array | null, tail: Uint8Array | null): Float32Array {
  if (!exif?.length && !tail?.length) return sharedZeros('meta');
  const out = new Float32Array(META_BYTES);
  let o = 0;
  for (const part of [exif, tail]) {
    if (!part) continue;
    const n = Math.min(part.length, META_BYTES - o);
    for (let i = 0; i < n; i++) out[o + i] = BYTE_TO_UNIT[part[i]];
    o += n;
  }
  return out;
}
