// The go/no-go gate of a rollout, judged on the comparison of candidate and baseline (the
// primary) over the same traffic. Defaults follow Starlight's deployment plan: FPR at most
// 0.05% and at most 0.02 points above the baseline, detection per method at most 1 point
// below it, p95 latency at most 1.2x, for at least 2 hours.
// A rule is broken for sure when its whole Wilson interval is on the wrong side: that is a
// no-go at once (a running canary rolls back without waiting out the 2 hours). Otherwise the
// verdict waits for the evidence (time and labelled counts); once it is there, the point
// estimates decide.
import { minSamplesForTarget, wilson, type RateInterval } from '../alerts/evidence.ts';
import type { ComparisonWindow } from './comparison-window.ts';
import { METHODS, type SideStats } from './side-stats.ts';

export const GATE_DEFAULTS = {
  /** Highest candidate FPR. */
  fprMax: 0.0005,
  /** Highest rise of the FPR over the baseline (0.02 points). */
  fprRiseMax: 0.0002,
  /** Largest drop of detection per method below the baseline (1 point). */
  detectionDropMax: 0.01,
  /** Highest candidate p95 latency over the baseline's. */
  latencyRatioMax: 1.2,
  /** Shortest comparison judged. */
  minDurationMs: 2 * 3600_000,
  /** Fewest clean labelled requests per side; 0: what shows fprMax (7,680 at 0.05%). */
  minCleanLabelled: 0,
  /** Fewest stego labelled requests per method per side, for methods the baseline saw. */
  minStegoPerMethod: 100,
  /** Fewest scored requests per side for the latency rule. */
  minLatencySamples: 200,
};

export type GateRules = typeof GATE_DEFAULTS;

export type GateVerdict = 'go' | 'no-go' | 'wait';

export interface RuleResult {
  rule: string;
  /** What was measured, in words a person reads in a table. */
  measured: string;
  limit: string;
  state: 'ok' | 'broken' | 'waiting';
  /** Broken with the whole interval on the wrong side (not just the estimate). */
  sure: boolean;
}

export interface GateResult {
  verdict: GateVerdict;
  /** 0 go, 1 no-go, 2 wait (the CLI's exit code). */
  exitCode: 0 | 1 | 2;
  rules: RuleResult[];
  broken: string[];
  /** What more evidence is needed, one line each. */
  missing: string[];
  spanMs: number;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(3)}%` : 'n/a');
const interval = (r: RateInterval): string => `${pct(r.rate)} [${pct(r.lower)}, ${pct(r.upper)}] of ${r.n}`;

export function judgeRollout(total: ComparisonWindow, spanMs: number, rules: GateRules = GATE_DEFAULTS): GateResult {
  const base = total.primarySide;
  const cand = total.candidateSide;
  const results: RuleResult[] = [];
  const missing: string[] = [];
  const rate = (hits: number, n: number): RateInterval => wilson({ hits, n });
  const minClean = rules.minCleanLabelled > 0 ? rules.minCleanLabelled : minSamplesForTarget(rules.fprMax);

  const timeReady = spanMs >= rules.minDurationMs;
  if (!timeReady) missing.push(`${Math.ceil((rules.minDurationMs - spanMs) / 60_000)} more minutes of comparison (have ${Math.floor(spanMs / 60_000)} of ${Math.ceil(rules.minDurationMs / 60_000)})`);
  const enough = (side: SideStats, name: string): boolean => {
    if (side.cleanLabelled >= minClean) return true;
    missing.push(`${minClean - side.cleanLabelled} more clean labelled requests on the ${name} (have ${side.cleanLabelled} of ${minClean})`);
    return false;
  };
  const cleanEnough = [enough(cand, 'candidate'), enough(base, 'baseline')].every(Boolean);

  const candFpr = rate(cand.falsePositives, cand.cleanLabelled);
  const baseFpr = rate(base.falsePositives, base.cleanLabelled);
  results.push(judge('fpr', interval(candFpr), `<= ${pct(rules.fprMax)}`, candFpr.lower > rules.fprMax, cleanEnough, candFpr.rate > rules.fprMax));
  const riseLimit = baseFpr.rate + rules.fprRiseMax;
  results.push(judge('fpr_vs_baseline', `${interval(candFpr)} vs baseline ${interval(baseFpr)}`, `<= baseline + ${pct(rules.fprRiseMax)}`, candFpr.lower > riseLimit, cleanEnough, candFpr.rate > riseLimit));

  for (const method of METHODS) {
    const baseN = base.stegoLabelled.get(method) ?? 0;
    const candN = cand.stegoLabelled.get(method) ?? 0;
    if (baseN === 0 && candN === 0) continue;
    const b = rate(base.detected.get(method) ?? 0, baseN);
    const c = rate(cand.detected.get(method) ?? 0, candN);
    const floor = b.rate - rules.detectionDropMax;
    const ready = Math.min(baseN, candN) >= rules.minStegoPerMethod;
    if (!ready) missing.push(`${rules.minStegoPerMethod - Math.min(baseN, candN)} more labelled ${method} stego on the ${candN < baseN ? 'candidate' : 'baseline'} (have ${Math.min(baseN, candN)} of ${rules.minStegoPerMethod})`);
    results.push(judge(`detection_${method}`, `${interval(c)} vs baseline ${interval(b)}`, `>= baseline - ${pct(rules.detectionDropMax)}`, candN > 0 && baseN > 0 && c.upper < floor, ready, c.rate < floor));
  }

  const scored = Math.min(base.latency.count, cand.latency.count);
  const latencyReady = scored >= rules.minLatencySamples;
  if (!latencyReady) missing.push(`${rules.minLatencySamples - scored} more scored requests on the ${cand.latency.count < base.latency.count ? 'candidate' : 'baseline'} for p95 latency`);
  const ratio = scored > 0 ? cand.latency.percentileMs(95) / base.latency.percentileMs(95) : NaN;
  const slow = ratio > rules.latencyRatioMax;
  const measuredP95 = scored > 0 ? `${cand.latency.percentileMs(95).toFixed(2)} / ${base.latency.percentileMs(95).toFixed(2)} ms = ${ratio.toFixed(3)}x` : 'n/a';
  // p95 has no interval here: a slow candidate is sure once both sides have their samples.
  results.push(judge('latency_p95', measuredP95, `<= ${rules.latencyRatioMax}x`, latencyReady && slow, latencyReady, slow));

  // Estimates decide only once the whole evidence is there, time included.
  for (const r of results) if (r.state === 'broken' && !r.sure && !timeReady) r.state = 'waiting';
  const broken = results.filter((r) => r.state === 'broken').map((r) => r.rule);
  const verdict: GateVerdict = broken.length > 0 ? 'no-go' : missing.length > 0 ? 'wait' : 'go';
  return { verdict, exitCode: verdict === 'go' ? 0 : verdict === 'no-go' ? 1 : 2, rules: results, broken, missing: verdict === 'wait' ? missing : [], spanMs };
}

/** Broken for sure, or broken on the estimate once the evidence is there; else waiting or ok. */
function judge(rule: string, measured: string, limit: string, surelyBroken: boolean, ready: boolean, estimateBroken: boolean): RuleResult {
  const state = surelyBroken || (ready && estimateBroken) ? 'broken' : ready ? 'ok' : 'waiting';
  return { rule, measured, limit, state, sure: surelyBroken };
}
