// The standing notice: a model known (by its validation baseline) to miss some targets is told so
// once, as one info alert that stays firing while that baseline is in use, instead of one
// critical per missed target from the first second. Regressions from the baseline still page.
import { vouchedFpr, type QualityBaseline } from './baseline.ts';
import type { Targets } from './rules.ts';
import type { AlertCondition } from './types.ts';

export const STANDING_RULE = 'baseline_shortfall';

/** The targets the baseline misses (or, for FPR, cannot show met), as words; empty when it meets them all. */
export function shortfalls(b: QualityBaseline, t: Targets): string[] {
  const out: string[] = [];
  const fpr = vouchedFpr(b);
  if (b.fpr !== undefined && b.fpr > t.fprMax) out.push(`FPR ${pct(b.fpr)} > ${pct(t.fprMax)}`);
  else if (fpr && fpr.bound > t.fprMax) out.push(`FPR ${fpr.text} not shown <= ${pct(t.fprMax)}`);
  for (const [method, rate] of Object.entries(b.detectionByMethod ?? {})) {
    if (rate < t.detectionMin) out.push(`${method} detection ${pct(rate)} < ${pct(t.detectionMin)}`);
  }
  if (b.latencyP95Ms !== undefined && b.latencyP95Ms > t.latencyP95MaxMs) out.push(`p95 latency ${b.latencyP95Ms.toFixed(1)} ms > ${t.latencyP95MaxMs} ms`);
  return out;
}

/** One condition, true while the baseline misses a target; null without a baseline. */
export function standingCondition(b: QualityBaseline | undefined, t: Targets): AlertCondition | null {
  if (!b) return null;
  const missed = shortfalls(b, t);
  const model = b.model ?? 'the model';
  return {
    ruleId: STANDING_RULE,
    key: b.model ? `baseline:${b.model}` : 'baseline',
    active: missed.length > 0,
    severity: 'info',
    forMs: 0,
    value: missed.length,
    threshold: 0,
    summary: `${model} is known from its validation to miss ${missed.length} target(s): ${missed.join('; ')}; judged against its baseline, only regressions page`,
  };
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}
