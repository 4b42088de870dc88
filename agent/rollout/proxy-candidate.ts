// Proxy mode's candidate: a second upstream URL. The plan says which upstream answers
// (canary) or which requests the candidate scores again after the answer went out (shadow).
import type { ModelRef, Observation } from '../events/observation.ts';
import type { Rollout } from '../../schemas/inference-event.ts';
import type { RolloutPlan } from './rollout-plan.ts';
import type { ShadowQueue } from './shadow-queue.ts';

export interface ProxyCandidate {
  upstream: URL;
  /** What the candidate's events name as their model when its answers name no version. */
  model: ModelRef;
  plan: RolloutPlan;
  shadows: ShadowQueue;
}

/** The observation as the candidate's: its model (the version its answer gave, if any) and role. */
export function asCandidate(observation: Observation, candidate: ProxyCandidate, rollout: Rollout): Observation {
  const answered = observation.model?.version;
  const version = answered && answered !== 'unknown' ? answered : candidate.model.version;
  return { ...observation, model: { ...candidate.model, version }, rollout };
}
