// A comparison as JSON for people and tools (GET /rollout/compare): each side's FPR and
// detection per method with Wilson intervals, latency p95 and ratio, agreement and the method
// confusion of shadow pairs.
import { wilson } from '../alerts/evidence.ts';
import type { ComparisonWindow } from './comparison-window.ts';
import { METHODS, type SideStats } from './side-stats.ts';

function side(s: SideStats) {
  const detection: Record<string, ReturnType<typeof wilson>> = {};
  for (const m of METHODS) {
    const n = s.stegoLabelled.get(m) ?? 0;
    if (n > 0) detection[m] = wilson({ hits: s.detected.get(m) ?? 0, n });
  }
  return {
    requests: s.n,
    errors: s.errors,
    latency_p95_ms: s.latency.count > 0 ? s.latency.percentileMs(95) : null,
    fpr: s.cleanLabelled > 0 ? wilson({ hits: s.falsePositives, n: s.cleanLabelled }) : null,
    detection,
  };
}

export function comparisonSummary(total: ComparisonWindow, spanMs: number, windows: number) {
  const p = total.primarySide.latency;
  const c = total.candidateSide.latency;
  return {
    baseline: total.key.primary,
    candidate: total.key.candidate,
    windows,
    span_ms: spanMs,
    pairs: total.pairs,
    agreement: total.pairs > 0 ? wilson({ hits: total.agree, n: total.pairs }) : null,
    /** "<baseline method>__<candidate method>" -> pairs (none: no method). */
    confusion: Object.fromEntries(total.confusion),
    latency_ratio: p.count > 0 && c.count > 0 ? c.percentileMs(95) / p.percentileMs(95) : null,
    baseline_side: side(total.primarySide),
    candidate_side: side(total.candidateSide),
  };
}
