// The alert rules. Thresholds default to Starlight's targets; regressions compare with a
// known-good baseline; anomaly rules follow the detectors. Each rule yields a condition for
// every key it can judge, true or false, so the state machine can also resolve.
import type { QualityBaseline } from './baseline.ts';
import type { QualitySnapshot } from './snapshot.ts';
import type { AlertCondition, Severity } from './types.ts';

export interface Targets {
  /** FPR above this alerts (0.05%). */
  fprMax: number;
  /** Any method's detection rate below this alerts (99%). */
  detectionMin: number;
  latencyP95MaxMs: number;
  /** Best minus worst method detection rate above this alerts (10 points). */
  methodImbalanceMax: number;
}

export const STARLIGHT_TARGETS: Targets = { fprMax: 0.0005, detectionMin: 0.99, latencyP95MaxMs: 5, methodImbalanceMax: 0.1 };

export interface RegressionFactors {
  fpr: number;
  detection: number;
  latencyP95: number;
}

export const REGRESSION_FACTORS: RegressionFactors = { fpr: 1.1, detection: 0.95, latencyP95: 1.2 };

export interface RuleOptions {
  targets: Targets;
  baseline?: QualityBaseline;
  factors: RegressionFactors;
  /** How long a threshold or regression must hold before firing (ms). */
  forMs: number;
  /** Anomaly flags fire at once by default: the detectors already wait for evidence. */
  anomalyForMs: number;
}

export const RULE_DEFAULTS: RuleOptions = {
  targets: STARLIGHT_TARGETS,
  factors: REGRESSION_FACTORS,
  forMs: 60_000,
  anomalyForMs: 0,
};

export function evaluateRules(snapshot: QualitySnapshot, options: Partial<RuleOptions> = {}): AlertCondition[] {
  const o = { ...RULE_DEFAULTS, ...options };
  return [...thresholdConditions(snapshot, o), ...regressionConditions(snapshot, o), ...anomalyConditions(snapshot, o)];
}

function thresholdConditions(s: QualitySnapshot, o: RuleOptions): AlertCondition[] {
  const { targets: t, forMs } = o;
  const out: AlertCondition[] = [];
  if (s.fpr !== undefined) {
    out.push(cond('fpr_above_target', s.key, s.fpr > t.fprMax, 'critical', forMs, s.fpr, t.fprMax, `FPR ${pct(s.fpr, 3)} > ${pct(t.fprMax, 3)}`));
  }
  for (const [method, rate] of Object.entries(s.detectionByMethod ?? {})) {
    out.push(
      cond('detection_below_target', `${s.key}/method=${method}`, rate < t.detectionMin, 'critical', forMs, rate, t.detectionMin,
        `${method} detection ${pct(rate, 2)} < ${pct(t.detectionMin, 2)}`),
    );
  }
  const rates = Object.entries(s.detectionByMethod ?? {});
  if (rates.length >= 2) {
    const best = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
    const worst = rates.reduce((a, b) => (b[1] < a[1] ? b : a));
    const gap = best[1] - worst[1];
    out.push(
      cond('method_imbalance', s.key, gap > t.methodImbalanceMax, 'warning', forMs, gap, t.methodImbalanceMax,
        `method imbalance ${pct(gap, 1)} (${best[0]} ${pct(best[1], 1)} vs ${worst[0]} ${pct(worst[1], 1)}) > ${pct(t.methodImbalanceMax, 1)}`),
    );
  }
  if (s.latencyP95Ms !== undefined) {
    out.push(
      cond('latency_p95_above_target', s.key, s.latencyP95Ms > t.latencyP95MaxMs, 'warning', forMs, s.latencyP95Ms, t.latencyP95MaxMs,
        `p95 latency ${s.latencyP95Ms.toFixed(2)} ms > ${t.latencyP95MaxMs} ms`),
    );
  }
  return out;
}

function regressionConditions(s: QualitySnapshot, o: RuleOptions): AlertCondition[] {
  const { baseline: b, factors: f, forMs } = o;
  if (!b) return [];
  const out: AlertCondition[] = [];
  if (s.fpr !== undefined && b.fpr !== undefined) {
    const limit = b.fpr * f.fpr;
    out.push(cond('fpr_regression', s.key, s.fpr > limit, 'critical', forMs, s.fpr, limit, `FPR ${pct(s.fpr, 3)} > ${f.fpr}x baseline ${pct(b.fpr, 3)}`));
  }
  for (const [method, rate] of Object.entries(s.detectionByMethod ?? {})) {
    const base = b.detectionByMethod?.[method];
    if (base === undefined) continue;
    const limit = base * f.detection;
    out.push(
      cond('detection_regression', `${s.key}/method=${method}`, rate < limit, 'critical', forMs, rate, limit,
        `${method} detection ${pct(rate, 2)} < ${f.detection}x baseline ${pct(base, 2)}`),
    );
  }
  if (s.latencyP95Ms !== undefined && b.latencyP95Ms !== undefined) {
    const limit = b.latencyP95Ms * f.latencyP95;
    out.push(
      cond('latency_p95_regression', s.key, s.latencyP95Ms > limit, 'warning', forMs, s.latencyP95Ms, limit,
        `p95 latency ${s.latencyP95Ms.toFixed(2)} ms > ${f.latencyP95}x baseline ${b.latencyP95Ms.toFixed(2)} ms`),
    );
  }
  return out;
}

function anomalyConditions(s: QualitySnapshot, o: RuleOptions): AlertCondition[] {
  return Object.entries(s.anomalies ?? {}).map(([series, p]) =>
    cond('anomaly', `${s.key}/${series}`, p.isAnomaly, 'info', o.anomalyForMs, p.value, p.expected,
      `${series} ${fmt(p.value)} vs expected ${fmt(p.expected)} (${p.detector}, score ${p.score.toFixed(2)})`),
  );
}

function cond(ruleId: string, key: string, active: boolean, severity: Severity, forMs: number, value: number, threshold: number, summary: string): AlertCondition {
  return { ruleId, key, active, severity, forMs, value, threshold, summary };
}

function pct(x: number, digits: number): string {
  return `${(x * 100).toFixed(digits)}%`;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : 'n/a';
}
