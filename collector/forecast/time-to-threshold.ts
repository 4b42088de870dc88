// "FPR reaches 0.05% in about 30 h": when the point forecast first crosses a threshold within
// the horizon, with the crossing placed between steps by linear interpolation.
import type { ForecastPoint } from './holt-winters.ts';

export interface Crossing {
  ts: number;
  /** Fractional steps ahead of the last point. */
  steps: number;
  /** Time from the last point, in the units of ts (ms). */
  inMs: number;
  text: string;
}

export interface CrossingOptions {
  /** 'above': first time the forecast goes above the threshold; 'below': under it. */
  direction: 'above' | 'below';
  /** Name in the text, e.g. 'FPR'. */
  label: string;
  /** How the threshold reads in the text, e.g. '0.05%'. */
  thresholdText: string;
}

export function timeToThreshold(
  lastTs: number,
  lastValue: number,
  path: readonly ForecastPoint[],
  threshold: number,
  options: Partial<CrossingOptions> = {},
): Crossing | null {
  const { direction = 'above', label = 'value', thresholdText = String(threshold) } = options;
  const beyond = (v: number): boolean => (direction === 'above' ? v >= threshold : v <= threshold);
  if (beyond(lastValue)) return { ts: lastTs, steps: 0, inMs: 0, text: `${label} is already ${direction} ${thresholdText}` };
  let prevTs = lastTs;
  let prevValue = lastValue;
  let prevStep = 0;
  for (const point of path) {
    if (beyond(point.value)) {
      const span = point.value - prevValue;
      const share = span === 0 ? 1 : Math.min(1, Math.max(0, (threshold - prevValue) / span));
      const ts = prevTs + share * (point.ts - prevTs);
      const inMs = ts - lastTs;
      const steps = prevStep + share * (point.step - prevStep);
      return { ts, steps, inMs, text: `${label} reaches ${thresholdText} in ${formatDuration(inMs)}` };
    }
    prevTs = point.ts;
    prevValue = point.value;
    prevStep = point.step;
  }
  return null;
}

/** 'under a minute', 'about 45 min', 'about 30 h' (up to 3 days), 'about 4 d'. */
export function formatDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return 'under a minute';
  if (minutes < 90) return `about ${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 72) return `about ${Math.round(hours)} h`;
  return `about ${Math.round(hours / 24)} d`;
}
