// Check a parity folder (vectors.json + images/) against preprocess(): one result per case.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isV4Error } from '../errors.ts';
import { preprocess } from '../preprocess.ts';
import { compareStreams, type StreamMismatch } from './compare.ts';
import { loadVectors, type ParityCase } from './vectors.ts';

export interface CaseResult {
  file: string;
  ok: boolean;
  /** Streams (or decoded info) that differ from the expectation. */
  mismatches: StreamMismatch[];
  /** Set when preprocess() threw: the V4Error code, or 'CRASH' for anything else. */
  errorCode?: string;
  errorMessage?: string;
}

export async function checkParityFolder(dir: string): Promise<CaseResult[]> {
  const vectors = await loadVectors(dir);
  const results: CaseResult[] = [];
  for (const c of vectors.cases) results.push(await checkCase(dir, c));
  return results;
}

export async function checkCase(dir: string, c: ParityCase): Promise<CaseResult> {
  const bytes = new Uint8Array(await readFile(join(dir, c.file)));
  try {
    const p = await preprocess(bytes);
    if (c.expected_error !== undefined) {
      return { file: c.file, ok: false, mismatches: [{ stream: 'info', detail: `accepted, expected an error (${c.expected_error})` }] };
    }
    const mismatches = compareInfo(c, p.info);
    if (c.expected) mismatches.push(...compareStreams(p.streams, c.expected));
    return { file: c.file, ok: mismatches.length === 0, mismatches };
  } catch (e) {
    const errorCode = isV4Error(e) ? e.code : 'CRASH';
    const errorMessage = e instanceof Error ? e.message : String(e);
    // A case that expects an error passes on any typed rejection, never on a crash.
    const ok = c.expected_error !== undefined && errorCode !== 'CRASH';
    return { file: c.file, ok, mismatches: [], errorCode, errorMessage };
  }
}

function compareInfo(c: ParityCase, info: { format: string; mode: string; width: number; height: number }): StreamMismatch[] {
  const out: StreamMismatch[] = [];
  if (c.format && c.format !== info.format) out.push({ stream: 'info', detail: `format ${info.format}, expected ${c.format}` });
  if (c.mode && c.mode !== info.mode) out.push({ stream: 'info', detail: `mode ${info.mode}, expected ${c.mode}` });
  if (c.size && (c.size[0] !== info.width || c.size[1] !== info.height)) {
    out.push({ stream: 'info', detail: `size ${info.width}x${info.height}, expected ${c.size[0]}x${c.size[1]}` });
  }
  return out;
}
