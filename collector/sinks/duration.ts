// InfluxQL duration literals (7d, 400d, 12h, INF) in milliseconds: the retention policies say how
// old a point InfluxDB still takes, and the decoder refuses older events before they are written.
const UNIT_MS: Record<string, number> = { ns: 1e-6, u: 1e-3, µ: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function durationMs(literal: string): number {
  if (literal === 'INF') return Number.POSITIVE_INFINITY;
  const m = /^(\d+)(ns|u|µ|ms|s|m|h|d|w)$/.exec(literal);
  if (!m) throw new Error(`bad duration "${literal}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}
