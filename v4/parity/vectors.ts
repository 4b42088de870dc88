// The parity folder format (vectors.json + images/) of the V4 contract's parity vectors.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface HashedTensor {
  shape: number[];
  sha256_u8: string;
  sum_u8: number;
}
export interface ByteTensor {
  shape: number[];
  u8_base64: string;
}
export interface ValueTensor {
  shape: number[];
  values: number[];
}

export type Expected = Partial<Record<'pixel_tensor' | 'alpha' | 'lsb' | 'palette_lsb', HashedTensor>> &
  Partial<Record<'meta' | 'palette', ByteTensor>> &
  Partial<Record<'format_features' | 'content_features', ValueTensor>>;

export interface ParityCase {
  file: string;
  format?: string;
  mode?: string;
  size?: [number, number];
  expected?: Expected;
  expected_error?: string;
}

export interface ParityVectors {
  generator?: string;
  seed?: number;
  cases: ParityCase[];
}

export async function loadVectors(dir: string): Promise<ParityVectors> {
  const vectors = JSON.parse(await readFile(join(dir, 'vectors.json'), 'utf8')) as ParityVectors;
  if (!Array.isArray(vectors.cases)) throw new Error(`${dir}/vectors.json has no "cases" list`);
  return vectors;
}

