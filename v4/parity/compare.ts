// One case's streams against its expected tensors: which stream differs and by how much.
import { createHash } from 'node:crypto';
import type { StreamName, V4Streams } from '../contract.ts';
import type { ByteTensor, Expected, HashedTensor, ValueTensor } from './vectors.ts';

export const VALUE_TOLERANCE = 1e-6;

export interface StreamMismatch {
  stream: StreamName | 'info';
  detail: string;
}

/** Streams hashed as bytes: pixel and alpha ch0 as round(x*255), LSB planes as 0/1. */
const HASHED: { name: 'pixel_tensor' | 'alpha' | 'lsb' | 'palette_lsb'; scaledPlanes: number }[] = [
  { name: 'pixel_tensor', scaledPlanes: 3 },
  { name: 'alpha', scaledPlanes: 1 },
  { name: 'lsb', scaledPlanes: 0 },
  { name: 'palette_lsb', scaledPlanes: 0 },
];

export function compareStreams(streams: V4Streams, expected: Expected): StreamMismatch[] {
  const out: StreamMismatch[] = [];
  for (const { name, scaledPlanes } of HASHED) {
    const e = expected[name];
    if (e) push(out, name, compareHashed(streams[name], e, scaledPlanes));
  }
  for (const name of ['meta', 'palette'] as const) {
    const e = expected[name];
    if (e) push(out, name, compareBytes(streams[name], e));
  }
  for (const name of ['format_features', 'content_features'] as const) {
    const e = expected[name];
    if (e) push(out, name, compareValues(streams[name], e));
  }
  return out;
}

function push(out: StreamMismatch[], stream: StreamName, detail: string | null): void {
  if (detail) out.push({ stream, detail });
}

function toBytes(t: Float32Array, scaledPlanes: number, planeSize: number): Uint8Array {
  const b = new Uint8Array(t.length);
  const scaledEnd = scaledPlanes * planeSize;
  for (let i = 0; i < t.length; i++) b[i] = i < scaledEnd ? Math.round(t[i] * 255) : Math.round(t[i]);
  return b;
}

function compareHashed(t: Float32Array, e: HashedTensor, scaledPlanes: number): string | null {
  const size = e.shape.reduce((a, b) => a * b, 1);
  if (t.length !== size) return `length ${t.length}, expected ${size}`;
  const bytes = toBytes(t, scaledPlanes, size / e.shape[0]);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha === e.sha256_u8) return null;
  let sum = 0;
  for (const b of bytes) sum += b;
  return `sha256 differs; sum_u8 ${sum} vs ${e.sum_u8} (diff ${sum - e.sum_u8})`;
}

function compareBytes(t: Float32Array, e: ByteTensor): string | null {
  const want = Buffer.from(e.u8_base64, 'base64');
  if (t.length !== want.length) return `length ${t.length}, expected ${want.length}`;
  const got = toBytes(t, 1, t.length);
  let differing = 0;
  let first = -1;
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d) {
      differing++;
      if (first < 0) first = i;
      maxDiff = Math.max(maxDiff, d);
    }
  }
  return differing ? `${differing} bytes differ (first at ${first}, max abs diff ${maxDiff})` : null;
}

function compareValues(t: Float32Array, e: ValueTensor): string | null {
  if (t.length !== e.values.length) return `length ${t.length}, expected ${e.values.length}`;
  let maxDiff = 0;
  for (let i = 0; i < t.length; i++) maxDiff = Math.max(maxDiff, Math.abs(t[i] - e.values[i]));
  if (maxDiff <= VALUE_TOLERANCE) return null;
  return `max abs diff ${maxDiff.toExponential(3)}: got [${Array.from(t, (v) => +v.toFixed(7)).join(', ')}], expected [${e.values.join(', ')}]`;
}
