// The series the detectors watch, read from one window: each has a name (the `series` tag of
// `anomaly` points), the detector kind that watches it (collector/detect/factory.ts), and how
// to split it into numerator / denominator counts, which root-cause ranking needs.
import { METHODS, methodField } from '../../schemas/measurements.ts';
import type { SeriesKind } from '../detect/factory.ts';
import type { RateCounts } from '../rootcause/types.ts';
import type { WindowAccumulator } from '../windows/accumulator.ts';
import type { WindowResult } from '../windows/window-result.ts';

export interface SeriesValue {
  name: string;
  kind: SeriesKind;
  value: number;
}

/** Every watched series present in the window (a rate without a base is absent, not 0). */
export function seriesOf(w: WindowResult): SeriesValue[] {
  const f = w.fields;
  const out: SeriesValue[] = [];
  const add = (name: string, kind: SeriesKind, value: number | undefined): void => {
    if (value !== undefined && Number.isFinite(value)) out.push({ name, kind, value });
  };
  add('latency_p95', 'latency_p95', f.latency_p95);
  add('error_rate', 'error_rate', f.count > 0 ? f.errors / f.count : undefined);
  add('request_rate', 'request_rate', f.rps);
  add('stego_rate', 'stego_rate', f.stego_rate);
  for (const m of METHODS) add(`stego_rate/${m}`, 'stego_rate', f[`rate_${methodField(m)}`]);
  add('fpr', 'fpr', f.fpr);
  add('detection_rate', 'detection_rate', f.detection_rate);
  add('mean_prob', 'mean_prob', f.mean_prob);
  return out;
}

export const DRIFT_SERIES = { prediction: 'drift_prediction', input: 'drift_input' } as const;

/**
 * The series as numerator / denominator of one accumulator, so slices add up to the whole.
 * Latency p95 is not additive: it becomes "share of events slower than `slowMs`" (the baseline
 * p95), read from the latency sketch. Null for series that cannot be split (drift).
 */
export function rateCounts(series: string, acc: WindowAccumulator, slowMs: number): RateCounts | null {
  switch (series) {
    case 'latency_p95':
      return { numerator: acc.count * shareAbove(acc, slowMs), denominator: acc.count };
    case 'error_rate':
      return { numerator: acc.errors, denominator: acc.count };
    case 'request_rate':
      return { numerator: acc.count, denominator: 1 };
    case 'stego_rate':
      return { numerator: acc.stego, denominator: acc.scored };
    case 'fpr':
      return { numerator: acc.fp, denominator: acc.cleanLabelled };
    case 'detection_rate':
      return { numerator: acc.tp, denominator: acc.stegoLabelled };
    case 'mean_prob':
      return { numerator: acc.probSum, denominator: acc.scored };
  }
  const method = methodOfSeries(series);
  if (method) return { numerator: acc.predicted[method] ?? 0, denominator: acc.scored };
  return null;
}

/** 'stego_rate/exif' -> 'exif'. */
export function methodOfSeries(series: string): string | null {
  return series.startsWith('stego_rate/') ? series.slice('stego_rate/'.length) : null;
}

/** Share of the window's requests slower than `ms`, by bisection on the sketch's percentiles. */
export function shareAbove(acc: WindowAccumulator, ms: number): number {
  if (acc.latency.count === 0 || !(ms > 0)) return 0;
  if (acc.latency.percentileMs(100) <= ms) return 0;
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (acc.latency.percentileMs(mid) <= ms) lo = mid;
    else hi = mid;
  }
  return 1 - lo / 100;
}
