// '90s', '30m', '2h', '1d' (or a sum: '1h30m') to milliseconds; null when it is not one.
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(t)) return null;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) ms += Number(n) * UNIT_MS[unit];
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : null;
}
