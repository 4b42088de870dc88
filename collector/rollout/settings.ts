// The collector's rollout settings: the comparison's windows and the gate rules a running
// canary is watched with (collector config `rollout.*`, flags --rollout-*).
import { COMPARER_DEFAULTS } from './comparer.ts';
import { GATE_DEFAULTS, type GateRules } from './gate.ts';

export interface RolloutConfig extends GateRules {
  windowMs: number;
  closeAfterMs: number;
  maxPairsWaiting: number;
  /** Where a rollback request is POSTed as well as published on NATS (empty: NATS only). */
  rollbackWebhook: string;
}

export const ROLLOUT_DEFAULTS: RolloutConfig = { ...COMPARER_DEFAULTS, ...GATE_DEFAULTS, rollbackWebhook: '' };

export const gateRulesOf = (c: RolloutConfig): GateRules => ({
  fprMax: c.fprMax,
  fprRiseMax: c.fprRiseMax,
  detectionDropMax: c.detectionDropMax,
  latencyRatioMax: c.latencyRatioMax,
  minDurationMs: c.minDurationMs,
  minCleanLabelled: c.minCleanLabelled,
  minStegoPerMethod: c.minStegoPerMethod,
  minLatencySamples: c.minLatencySamples,
});
