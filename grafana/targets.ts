// What the boards judge by: Starlight's targets (the collector's default alert thresholds), the
// SLOs built on them, and the colours that say "fine", "look", "act". A board is static JSON, so a
// deployment with other targets edits these and rebuilds (npm run grafana:build).
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { STARLIGHT_TARGETS } from '../collector/alerts/rules.ts';
import { PSI_MODERATE, PSI_SIGNIFICANT } from '../collector/drift/psi.ts';

export const TARGETS = {
  /** FPR at most 0.05 %: shown with three decimals in percent. */
  fprMax: STARLIGHT_TARGETS.fprMax,
  /** p95 latency at most 5 ms, so at most 5 % of requests may be slower (the `slow` count). */
  latencyP95MaxMs: STARLIGHT_TARGETS.latencyP95MaxMs,
  slowShareMax: 0.05,
  detectionMin: STARLIGHT_TARGETS.detectionMin,
  /** Failed requests: look at 1 %, act at 5 %. */
  errorRatioWarn: 0.01,
  errorRatioMax: 0.05,
  psiModerate: PSI_MODERATE,
  psiSignificant: PSI_SIGNIFICANT,
  /** Agent queue fill: look at 80 %, act at 95 % (drops start at 100 %). */
  queueFillWarn: 0.8,
  queueFillMax: 0.95,
  /** An agent beats every 10 s by default: three missed beats and it no longer counts as reporting. */
  agentSilentAfter: '35s',
  heartbeatGapMaxS: 35,
  /** A heartbeat with less uptime than this is an agent start (two 10 s beats at most). */
  agentStartUptimeS: 20,
  /** Burn rate 1 spends the budget exactly over the SLO period; 6 spends a 30 d budget in 5 days. */
  burnWarn: 1,
  burnMax: 6,
} as const;

/** Percent decimals that still show a target: 0.050 % needs three. */
export const FPR_DECIMALS = 3;

export type Steps = dashboard.Threshold[];

const step = (value: number | null, color: string): dashboard.Threshold => ({ value, color });

/** Green up to `warn`, orange up to `max`, red above (a value at or over a step takes its colour). */
export const upTo = (max: number, warn?: number): Steps =>
  warn === undefined ? [step(null, 'green'), step(max, 'red')] : [step(null, 'green'), step(warn, 'orange'), step(max, 'red')];

/** Red below `min`, green from it. */
export const atLeast = (min: number): Steps => [step(null, 'red'), step(min, 'green')];

/** No judgement: a figure to read, not a target (throughput, counts, the method mix). */
export const neutral = (): Steps => [step(null, 'blue')];

export const thresholdsOf = (steps: Steps): dashboard.ThresholdsConfigBuilder =>
  new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);

/** true in green, false in red: a `false` must never look like a healthy value. */
export const BOOL_MAPPINGS: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      true: { text: 'yes', color: 'green', index: 0 },
      false: { text: 'no', color: 'red', index: 1 },
    },
  },
];
