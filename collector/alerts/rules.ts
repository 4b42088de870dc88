// The alert rules. Thresholds default to Starlight's targets; regressions compare with the
// model's validation baseline, and a target the baseline itself misses is left to the standing
// notice (standing.ts); anomaly conditions follow the detectors and notify only where asked.
// Rates with counts are judged on their Wilson interval (evidence.ts), never on the bare rate.
// Each rule yields a condition for every key it can judge, true or false, so the state machine
// can also resolve.
import { vouchedFpr, type QualityBaseline } from './baseline.ts';
import { pct, wilson, type Counts, type RateInterval } from './evidence.ts';
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
  /** Anomalies are annotations; only the series named here notify people (e.g. 'latency_p95'). */
  anomalyNotify: readonly string[];
  /** A firing alert stays firing this long after its condition goes false (flapping stays one alert). */
  keepFiringForMs: number;
}

export const RULE_DEFAULTS: RuleOptions = {
  targets: STARLIGHT_TARGETS,
  factors: REGRESSION_FACTORS,
  forMs: 60_000,
  anomalyForMs: 0,
  anomalyNotify: [],
  keepFiringForMs: 60_000,
};

export function evaluateRules(snapshot: QualitySnapshot, options: Partial<RuleOptions> = {}): AlertCondition[] {
  const o = { ...RULE_DEFAULTS, ...options };
  const conditions = [...thresholdConditions(snapshot, o), ...regressionConditions(snapshot, o), ...anomalyConditions(snapshot, o)];
  return conditions.map((c) => ({ keepFiringForMs: o.keepFiringForMs, ...c }));
}

function thresholdConditions(s: QualitySnapshot, o: RuleOptions): AlertCondition[] {
  const { targets: t, forMs } = o;
  const known = knownShortfalls(o);
  const out: AlertCondition[] = [];
  if (s.fpr !== undefined && !known.fpr) {
    const r = judged(s.fpr, s.counts?.fpr);
    out.push(cond('fpr_above_target', s.key, isAbove(r, t.fprMax), 'critical', forMs, r.rate, t.fprMax, `FPR ${rateText(r, 3)} > ${pct(t.fprMax, 3)}`));
  }
  for (const [method, rate] of Object.entries(s.detectionByMethod ?? {})) {
    if (known.detection.has(method)) continue;
    const r = judged(rate, s.counts?.detectionByMethod?.[method]);
    out.push(
      cond('detection_below_target', `${s.key}/method=${method}`, isBelow(r, t.detectionMin), 'critical', forMs, r.rate, t.detectionMin,
        `${method} detection ${rateText(r, 2)} < ${pct(t.detectionMin, 2)}`),
    );
  }
  const rates = Object.entries(s.detectionByMethod ?? {});
  if (rates.length >= 2 && !known.imbalance) {
    const best = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
    const worst = rates.reduce((a, b) => (b[1] < a[1] ? b : a));
    const gap = best[1] - worst[1];
    out.push(
      cond('method_imbalance', s.key, gap > t.methodImbalanceMax, 'warning', forMs, gap, t.methodImbalanceMax,
        `method imbalance ${pct(gap, 1)} (${best[0]} ${pct(best[1], 1)} vs ${worst[0]} ${pct(worst[1], 1)}) > ${pct(t.methodImbalanceMax, 1)}`),
    );
  }
  if (s.latencyP95Ms !== undefined && !known.latency) {
    out.push(
      cond('latency_p95_above_target', s.key, s.latencyP95Ms > t.latencyP95MaxMs, 'warning', forMs, s.latencyP95Ms, t.latencyP95MaxMs,
        `p95 latency ${s.latencyP95Ms.toFixed(2)} ms > ${t.latencyP95MaxMs} ms`),
    );
  }
  return out;
}

/** Targets the baseline itself misses: the standing notice tells them once; regressions page. */
function knownShortfalls(o: RuleOptions): { fpr: boolean; detection: Set<string>; imbalance: boolean; latency: boolean } {
  const { baseline: b, targets: t } = o;
  const detection = Object.entries(b?.detectionByMethod ?? {});
  const values = detection.map(([, r]) => r);
  return {
    fpr: b !== undefined && (vouchedFpr(b)?.bound ?? 0) > t.fprMax,
    detection: new Set(detection.filter(([, r]) => r < t.detectionMin).map(([m]) => m)),
    imbalance: values.length >= 2 && Math.max(...values) - Math.min(...values) > t.methodImbalanceMax,
    latency: b?.latencyP95Ms !== undefined && b.latencyP95Ms > t.latencyP95MaxMs,
  };
}

function regressionConditions(s: QualitySnapshot, o: RuleOptions): AlertCondition[] {
  const { baseline: b, factors: f, forMs } = o;
  if (!b) return [];
  const out: AlertCondition[] = [];
  const vouched = vouchedFpr(b);
  if (s.fpr !== undefined && vouched) {
    const limit = Math.min(1, vouched.bound * f.fpr);
    const r = judged(s.fpr, s.counts?.fpr);
    out.push(cond('fpr_regression', s.key, isAbove(r, limit), 'critical', forMs, r.rate, limit, `FPR ${rateText(r, 3)} > ${f.fpr}x baseline ${vouched.text}`));
  }
  for (const [method, rate] of Object.entries(s.detectionByMethod ?? {})) {
    const base = b.detectionByMethod?.[method];
    if (base === undefined) continue;
    const limit = base * f.detection;
    const r = judged(rate, s.counts?.detectionByMethod?.[method]);
    out.push(
      cond('detection_regression', `${s.key}/method=${method}`, isBelow(r, limit), 'critical', forMs, r.rate, limit,
        `${method} detection ${rateText(r, 2)} < ${f.detection}x baseline ${pct(base, 2)}`),
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

/** A rate with its evidence: the Wilson interval of its counts, or the bare rate when there are none. */
type Judged = { rate: number; interval?: RateInterval };

function judged(rate: number, counts: Counts | undefined): Judged {
  if (!counts) return { rate };
  const interval = wilson(counts);
  return { rate: counts.n > 0 ? interval.rate : rate, interval };
}

const isAbove = (r: Judged, limit: number): boolean => (r.interval ? r.interval.lower > limit : r.rate > limit);
const isBelow = (r: Judged, limit: number): boolean => (r.interval ? r.interval.upper < limit : r.rate < limit);

function rateText(r: Judged, digits: number): string {
  if (!r.interval) return pct(r.rate, digits);
  const { lower, upper, n } = r.interval;
  return `${pct(r.rate, digits)} (95% CI ${pct(lower, digits)}-${pct(upper, digits)}, n=${n})`;
}

function anomalyConditions(s: QualitySnapshot, o: RuleOptions): AlertCondition[] {
  return Object.entries(s.anomalies ?? {}).map(([series, p]) => ({
    ...cond('anomaly', `${s.key}/${series}`, p.isAnomaly, 'info', o.anomalyForMs, p.value, p.expected,
      `${series} ${fmt(p.value)} vs expected ${fmt(p.expected)} (${p.detector}, score ${p.score.toFixed(2)})`),
    notify: o.anomalyNotify.includes(series),
  }));
}

function cond(ruleId: string, key: string, active: boolean, severity: Severity, forMs: number, value: number, threshold: number, summary: string): AlertCondition {
  return { ruleId, key, active, severity, forMs, value, threshold, summary };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : 'n/a';
}
