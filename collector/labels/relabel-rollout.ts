// The labelled fields of rollout comparison windows (each side's clean_labelled, fp, fpr and
// detection per method), recomputed from the stored events of the window's agent and time and
// every label known for them, as relabel.ts does for the traffic windows: applying the same labels
// twice writes the same numbers. The raw points keep the version that scored (a shadow's
// included) but not the role, so a stored event is on the primary side when its version is the
// window's primary and on the candidate side when it is the candidate.
import { msToNs, type Point } from '../sinks/point.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { SideStats } from '../rollout/side-stats.ts';
import type { StoredEvent } from './relabel.ts';

/** A stored `rollout` point: one agent's primary/candidate pair over one window. */
export interface RolloutWindow {
  startMs: number;
  sizeMs: number;
  agent: string;
  primary: string;
  candidate: string;
}

export function rolloutWindowOf(row: Record<string, unknown>): RolloutWindow | null {
  const sizeMs = Number(row.window_ms);
  if (!(sizeMs > 0) || typeof row.agent !== 'string' || typeof row.primary !== 'string' || typeof row.candidate !== 'string') return null;
  return { startMs: Number(row.time), sizeMs, agent: row.agent, primary: row.primary, candidate: row.candidate };
}

/** One point per window that has labelled events: both sides' labelled fields, nothing else. */
export function relabelledRolloutPoints(windows: readonly RolloutWindow[], events: readonly StoredEvent[], late: ReadonlyMap<string, StoredEvent['label']>): Point[] {
  const points: Point[] = [];
  for (const w of windows) {
    if (w.primary === w.candidate) continue; // the sides cannot be told apart by version
    const sides = new Map([[w.primary, new SideStats()], [w.candidate, new SideStats()]]);
    for (const e of events) {
      if (e.agent !== w.agent || e.timeMs < w.startMs || e.timeMs >= w.startMs + w.sizeMs || e.isStego === null) continue;
      sides.get(e.modelVersion)?.countLabel(e.isStego, late.get(e.eventId) ?? e.label);
    }
    const fields = { ...sides.get(w.primary)!.labelledFields('p_'), ...sides.get(w.candidate)!.labelledFields('c_') };
    if (Object.keys(fields).length === 0) continue;
    const tags = { agent: w.agent, primary: w.primary, candidate: w.candidate };
    points.push({ measurement: MEASUREMENTS.rollout, tags, fields, timestampNs: msToNs(w.startMs) });
  }
  return points;
}
