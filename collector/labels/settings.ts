// The collector's late-label settings (config `labels.*`, flags --labels-*). settleMs: how long
// after its end a minute's windows may still be written whole by the live path; a label for a
// younger minute is applied once more after that, so the live write cannot undo it.
export interface LabelsConfig {
  /** 0 = derived from the windows' lateness and rewrite horizon and the ack wait (settleMsOf). */
  settleMs: number;
}

export const LABELS_CONFIG_DEFAULTS: LabelsConfig = { settleMs: 0 };

/**
 * Last whole write of a minute, after its end: allowed lateness, then late events for the rewrite
 * horizon; after a crash or in replica mode, redelivered messages for up to three ack waits
 * (the live timeout); plus a minute of margin for a busy machine. About 3.6 min by default.
 */
export function settleMsOf(c: { labels: LabelsConfig; windows: { allowedLatenessMs: number; rewriteHorizonMs: number } }, ackWaitMs: number): number {
  if (c.labels.settleMs > 0) return c.labels.settleMs;
  return c.windows.allowedLatenessMs + c.windows.rewriteHorizonMs + 3 * ackWaitMs + 60_000;
}
