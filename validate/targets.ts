// Absolute targets a model is reported against. Without a baseline these only give a status in
// the output and the report; they never change the exit code (the regression rules do).
import { METHODS, type StegoMethod } from '../v4/contract.ts';
import { pct } from './format.ts';
import type { Metrics } from './metrics.ts';

export const TARGETS = {
  /** At most 1% of clean images called stego. */
  maxFpr: 0.01,
  /** Every method detected at least 95% of the time (also the regression floor). */
  minDetection: 0.95,
  minMethodAccuracy: 0.9,
  minBitOrderAccuracy: 0.9,
  /** The Python reference path's p95 on this machine class is 12.3 ms: never be slower. */
  maxLatencyP95Ms: 12.3,
  /** The Python reference path's throughput, one thread. */
  minThroughput: 93,
} as const;

export type Status = 'pass' | 'fail' | 'n/a';

export interface TargetCheck {
  name: string;
  value: number | null;
  target: string;
  status: Status;
}

function atMost(name: string, value: number | null, limit: number, show: (x: number) => string): TargetCheck {
  return { name, value, target: `<= ${show(limit)}`, status: value === null ? 'n/a' : value <= limit ? 'pass' : 'fail' };
}

function atLeast(name: string, value: number | null, limit: number, show: (x: number) => string): TargetCheck {
  return { name, value, target: `>= ${show(limit)}`, status: value === null ? 'n/a' : value >= limit ? 'pass' : 'fail' };
}

const msText = (x: number): string => `${x.toFixed(1)} ms`;
const perS = (x: number): string => `${x.toFixed(0)}/s`;

export function checkTargets(m: Metrics): TargetCheck[] {
  const methodAccuracy = METHODS.map((method) => m.methods[method].methodAccuracy)
    .reduce((sum, r) => ({ hits: sum.hits + r.hits, n: sum.n + r.n }), { hits: 0, n: 0 });
  return [
    atMost('FPR', m.fpr.rate, TARGETS.maxFpr, pct),
    atLeast('detection (all methods)', m.detection.rate, TARGETS.minDetection, pct),
    ...METHODS.map((method: StegoMethod) => atLeast(`detection ${method}`, m.methods[method].detection.rate, TARGETS.minDetection, pct)),
    atLeast('method accuracy', methodAccuracy.n > 0 ? methodAccuracy.hits / methodAccuracy.n : null, TARGETS.minMethodAccuracy, pct),
    atLeast('bit-order accuracy', m.bitOrder.overall.rate, TARGETS.minBitOrderAccuracy, pct),
    atMost('latency p95', m.latencyMs?.p95 ?? null, TARGETS.maxLatencyP95Ms, msText),
    atLeast('throughput', m.throughput, TARGETS.minThroughput, perS),
  ];
}
