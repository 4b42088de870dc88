// Rates over the last minute, from the counts of the windows in it, with n and the 95% Wilson
// interval (the same as collector/alerts/evidence.ts): one window of a dozen labelled images is
// no FPR to show on its own.

const Z = 1.959963984540054;

/** { rate, lower, upper, n } or null with no samples (never NaN). */
export function wilson(hits, n) {
  if (!(n > 0)) return null;
  const p = hits / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half), n };
}

const COUNTS = ['fp', 'clean_labelled', 'tp', 'stego_labelled'];

/** Keeps the windows of the last `spanMs` and pools their counts. */
export class RollingRates {
  constructor(spanMs = 60_000) {
    this.spanMs = spanMs;
    this.windows = [];
  }

  add(w) {
    const counts = Object.fromEntries(COUNTS.map((k) => [k, Number.isFinite(w.fields[k]) ? w.fields[k] : 0]));
    this.windows.push({ end: w.end, counts });
    const oldest = w.end - this.spanMs;
    this.windows = this.windows.filter((x) => x.end > oldest);
  }

  /** { fpr, detection }: each a Wilson interval or null. */
  current() {
    const sum = (k) => this.windows.reduce((s, w) => s + w.counts[k], 0);
    return { fpr: wilson(sum('fp'), sum('clean_labelled')), detection: wilson(sum('tp'), sum('stego_labelled')) };
  }
}
