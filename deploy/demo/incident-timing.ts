// How soon the demo's incident was told, measured the way an operator feels it: from the start
// of the first 10 s detect window the incident falls in (its first affected window) to the
// first firing notification after it began. The window start is the strict reference: it is
// before (or at) the injection, so the delay counts the part of the window before it too.
import { GRANULARITY_MS } from '../../collector/windows/window-result.ts';

export interface IncidentTiming {
  /** Start (epoch ms) of the first detect window holding incident traffic. */
  firstWindowStartMs: number;
  /** Seconds from that window's start to the first notification; null while not told. */
  toldAfterFirstWindowS: number | null;
  /** Seconds from the injection to the first notification; null while not told. */
  toldAfterInjectionS: number | null;
}

export function incidentTiming(injectedAtMs: number, toldAtMs: number | null, windowMs = GRANULARITY_MS['10s']): IncidentTiming {
  const firstWindowStartMs = Math.floor(injectedAtMs / windowMs) * windowMs;
  const seconds = (from: number): number | null => (toldAtMs === null ? null : Math.round((toldAtMs - from) / 100) / 10);
  return { firstWindowStartMs, toldAfterFirstWindowS: seconds(firstWindowStartMs), toldAfterInjectionS: seconds(injectedAtMs) };
}

/**
 * When the incident starts: the first detect-window boundary at or after `afterS` seconds of
 * steady traffic. Its first window is then wholly affected: a window with only a second or two
 * of incident moves the latency p95 a little, is not flagged, and becomes the detector's recent
 * level, so the incident was seen a window or two later (31.8 s once in the demo test).
 */
export function incidentStartMs(startedMs: number, afterS: number, windowMs = GRANULARITY_MS['10s']): number {
  return Math.ceil((startedMs + afterS * 1000) / windowMs) * windowMs;
}
