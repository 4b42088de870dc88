// What a person watching a training run wants flagged, from its series: divergence (a loss that is
// NaN/inf, or rises for `risingEpochs` steps in a row), a plateau (the loss improved by less than
// `plateauGain` over the last `plateauEpochs` steps: convergence has stalled), overfitting (the
// validation loss rises for `risingEpochs` steps while the training loss falls) and instability
// (the loss jumps up by more than `jumpRatio` of itself in more than a third of the steps).
import type { TrainingPoint } from './parse.ts';

export type FindingKind = 'diverged' | 'diverging' | 'plateau' | 'overfitting' | 'unstable';

export interface Finding {
  kind: FindingKind;
  metric: string;
  /** The step at which it shows. */
  step: number;
  message: string;
}

export interface FindingRules {
  risingEpochs: number;
  plateauEpochs: number;
  plateauGain: number;
  jumpRatio: number;
}

export const DEFAULT_RULES: FindingRules = { risingEpochs: 3, plateauEpochs: 5, plateauGain: 0.01, jumpRatio: 0.1 };

type Series = { step: number; value: number }[];

/** Per metric, its points in step order (the last value of a step wins). */
export function seriesOf(points: readonly TrainingPoint[]): Map<string, Series> {
  const by = new Map<string, Map<number, number>>();
  for (const p of points) {
    if (!by.has(p.metric)) by.set(p.metric, new Map());
    by.get(p.metric)!.set(p.step, p.value);
  }
  return new Map([...by].map(([m, steps]) => [m, [...steps].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }))]));
}

const isLoss = (metric: string): boolean => /loss/.test(metric);
const isValidation = (metric: string): boolean => /^(val|valid|validation|eval|test)_/.test(metric);

/** The step at which `values` have risen `n` times in a row, or null. */
function risingRun(s: Series, n: number): number | null {
  let run = 0;
  for (let i = 1; i < s.length; i++) {
    run = s[i].value > s[i - 1].value ? run + 1 : 0;
    if (run >= n) return s[i].step;
  }
  return null;
}

function lossFindings(metric: string, s: Series, r: FindingRules): Finding[] {
  const out: Finding[] = [];
  const bad = s.find((p) => !Number.isFinite(p.value));
  if (bad) return [{ kind: 'diverged', metric, step: bad.step, message: `${metric} is ${bad.value} at step ${bad.step}` }];
  const rising = risingRun(s, r.risingEpochs);
  if (rising !== null && !isValidation(metric)) out.push({ kind: 'diverging', metric, step: rising, message: `${metric} rose ${r.risingEpochs} steps in a row up to step ${rising}` });
  if (s.length > r.plateauEpochs) {
    const last = s[s.length - 1];
    const before = s[s.length - 1 - r.plateauEpochs];
    const gain = (before.value - last.value) / Math.abs(before.value || 1);
    if (gain < r.plateauGain && gain > -r.plateauGain) {
      out.push({ kind: 'plateau', metric, step: last.step, message: `${metric} improved ${(gain * 100).toFixed(2)}% over the last ${r.plateauEpochs} steps (under ${r.plateauGain * 100}%)` });
    }
  }
  const jumps = s.slice(1).filter((p, i) => p.value - s[i].value > r.jumpRatio * Math.abs(s[i].value)).length;
  if (s.length >= 6 && jumps > (s.length - 1) / 3) out.push({ kind: 'unstable', metric, step: s[s.length - 1].step, message: `${metric} jumped up by more than ${r.jumpRatio * 100}% in ${jumps} of ${s.length - 1} steps` });
  return out;
}

function overfitting(series: Map<string, Series>, r: FindingRules): Finding[] {
  const val = [...series].find(([m]) => isValidation(m) && isLoss(m));
  const train = [...series].find(([m]) => !isValidation(m) && isLoss(m));
  if (!val || !train) return [];
  const step = risingRun(val[1], r.risingEpochs);
  if (step === null) return [];
  const t = train[1].filter((p) => p.step <= step).slice(-(r.risingEpochs + 1));
  if (t.length < 2 || t[t.length - 1].value >= t[0].value) return [];
  return [{ kind: 'overfitting', metric: val[0], step, message: `${val[0]} rose ${r.risingEpochs} steps in a row while ${train[0]} fell (step ${step})` }];
}

export function findings(points: readonly TrainingPoint[], rules: FindingRules = DEFAULT_RULES): Finding[] {
  const series = seriesOf(points);
  const out = [...series].filter(([m]) => isLoss(m)).flatMap(([m, s]) => lossFindings(m, s, rules));
  return out.concat(overfitting(series, rules));
}
