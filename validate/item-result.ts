// What the run learned about one dataset file: its label, the model's verdict or the typed error
// that stopped it, and how long it took. Metrics, reports and publishing read only this shape.
import type { Verdict } from '../v4/verdict.ts';
import type { Label } from '../schemas/inference-event.ts';

export interface ItemTimings {
  decodeMs: number;
  preprocessMs: number;
  inferMs: number;
  totalMs: number;
}

export interface ItemResult {
  file: string;
  /** The dataset the file came from (several can be judged in one run). */
  dataset: string;
  /** A stego file's algorithm as its dataset names it, when no method of ours matches it. */
  algorithm: string | null;
  /** Decoded format, or the sniffed one for files that were not decoded ('unknown' if neither). */
  format: string;
  /** Decoded mode and size; null when the file was not decoded. */
  mode: string | null;
  width: number;
  height: number;
  bytes: number;
  label: Label | null;
  verdict: Verdict | null;
  /** The first problem with the file: a V4 error code, READ_ERROR, UNLABELLED or BAD_LABEL. */
  error: { code: string; message: string } | null;
  /** Null when the file never reached the model. */
  timings: ItemTimings | null;
}

/** Judged by the model and labelled: the results that count for accuracy. */
export function isScoredAndLabelled(r: ItemResult): r is ItemResult & { verdict: Verdict; label: Label } {
  return r.verdict !== null && r.label !== null;
}
