// How many events a window's proportion was measured on, so the detector can tell sampling
// noise (a stego rate of 4 in 40 one window and 7 in 40 the next) from a real change.
import { rateCounts } from './series.ts';
import type { SeriesKind } from '../detect/factory.ts';
import type { WindowAccumulator } from '../windows/accumulator.ts';

/** Kinds that are k-of-n proportions of events; mean_prob and latency are not, rates per second neither. */
const PROPORTIONS: ReadonlySet<SeriesKind> = new Set(['error_rate', 'stego_rate', 'fpr', 'detection_rate']);

/** The proportion's denominator, or undefined for series that are not proportions of counted events. */
export function sampleSizeOf(series: string, kind: SeriesKind, acc: WindowAccumulator): number | undefined {
  if (!PROPORTIONS.has(kind)) return undefined;
  const n = rateCounts(series, acc, 0)?.denominator;
  return n !== undefined && n > 0 ? n : undefined;
}
