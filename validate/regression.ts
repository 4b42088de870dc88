// The regression rules: a run fails against its baseline when FPR rises by more than 0.02
// percentage points, when any method's detection is under 95% or falls more than 5 points
// below the baseline, or when p95 latency passes 1.2x the baseline's. A figure that either side
// could not measure (no clean images, no images of a method) is skipped and said so.
import { METHODS } from '../v4/contract.ts';
import type { Baseline } from './baseline.ts';
import type { Metrics } from './metrics.ts';
import { pct } from './format.ts';

export const RULES = {
  /** 0.02 percentage points, as a fraction. */
  fprMargin: 0.0002,
  detectionFloor: 0.95,
  /** 5 percentage points, as a fraction. */
  detectionDrop: 0.05,
  latencyFactor: 1.2,
} as const;

export type RuleName = 'fpr_rise' | 'detection_floor' | 'detection_drop' | 'latency_p95';

export interface Violation {
  rule: RuleName;
  /** What broke: "fpr", a method name, or "latency_p95". */
  subject: string;
  current: number;
  baseline: number | null;
  limit: number;
  message: string;
}

export interface RegressionResult {
  passed: boolean;
  violations: Violation[];
  /** Rules that could not be checked, and why. */
  skipped: string[];
}

export function checkRegression(current: Metrics, baseline: Baseline): RegressionResult {
  const violations: Violation[] = [];
  const skipped: string[] = [];
  checkFpr(current, baseline, violations, skipped);
  for (const method of METHODS) checkMethod(method, current, baseline, violations, skipped);
  checkLatency(current, baseline, violations, skipped);
  return { passed: violations.length === 0, violations, skipped };
}

function checkFpr(current: Metrics, baseline: Baseline, out: Violation[], skipped: string[]): void {
  const now = current.fpr.rate;
  if (now === null || baseline.fpr === null) {
    skipped.push(`fpr_rise: ${now === null ? 'this run has no clean images' : 'the baseline has no FPR'}`);
    return;
  }
  const limit = baseline.fpr + RULES.fprMargin;
  if (now > limit + 1e-12) {
    out.push({
      rule: 'fpr_rise', subject: 'fpr', current: now, baseline: baseline.fpr, limit,
      message: `FPR ${pct(now)} is above the baseline ${pct(baseline.fpr)} + 0.02 points (limit ${pct(limit)})`,
    });
  }
}

function checkMethod(method: (typeof METHODS)[number], current: Metrics, baseline: Baseline, out: Violation[], skipped: string[]): void {
  const now = current.methods[method].detection.rate;
  if (now === null) {
    skipped.push(`detection ${method}: no ${method} images in this run`);
    return;
  }
  if (now < RULES.detectionFloor) {
    out.push({
      rule: 'detection_floor', subject: method, current: now, baseline: baseline.detection[method] ?? null, limit: RULES.detectionFloor,
      message: `${method} detection ${pct(now)} is under the ${pct(RULES.detectionFloor)} floor`,
    });
  }
  const before = baseline.detection[method];
  if (before === null || before === undefined) {
    skipped.push(`detection_drop ${method}: the baseline has no ${method} detection`);
    return;
  }
  const limit = before - RULES.detectionDrop;
  if (now < limit - 1e-12) {
    out.push({
      rule: 'detection_drop', subject: method, current: now, baseline: before, limit,
      message: `${method} detection ${pct(now)} is more than 5 points below the baseline ${pct(before)} (limit ${pct(limit)})`,
    });
  }
}

function checkLatency(current: Metrics, baseline: Baseline, out: Violation[], skipped: string[]): void {
  const now = current.latencyMs?.p95 ?? null;
  if (now === null || baseline.latency_p95_ms === null) {
    skipped.push(`latency_p95: ${now === null ? 'no image reached the model' : 'the baseline has no p95'}`);
    return;
  }
  const limit = baseline.latency_p95_ms * RULES.latencyFactor;
  if (now > limit) {
    out.push({
      rule: 'latency_p95', subject: 'latency_p95', current: now, baseline: baseline.latency_p95_ms, limit,
      message: `p95 latency ${now.toFixed(2)} ms is above 1.2x the baseline ${baseline.latency_p95_ms.toFixed(2)} ms (limit ${limit.toFixed(2)} ms)`,
    });
  }
}
