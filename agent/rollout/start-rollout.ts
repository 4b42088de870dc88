// Sets up a rollout from the agent's options: a candidate model file (model mode) or a second
// upstream (proxy mode), in shadow or canary, with its shadow queue.
import type { StarwatchAgent } from '../library/agent.ts';
import type { ModelRef } from '../events/observation.ts';
import { checkUpstreamBase } from '../proxy/request-target.ts';
import { V4Path, type V4PathOptions } from '../../v4/path.ts';
import { BACKGROUND_NICE } from '../../v4/pool/thread-priority.ts';
import { ModelRollout } from './model-rollout.ts';
import type { ProxyCandidate } from './proxy-candidate.ts';
import { RolloutPlan } from './rollout-plan.ts';
import { ShadowQueue, SHADOW_DEFAULTS } from './shadow-queue.ts';

export interface RolloutOptions {
  /** ONNX file of the candidate (model mode). */
  candidateModel?: string;
  /** Base URL of the candidate's inference service (proxy mode). */
  candidateUpstream?: string;
  /** The candidate upstream's version when its answers name none (proxy mode). */
  candidateVersion?: string;
  /** Share of requests the candidate scores after the answer went out. */
  shadowShare?: number;
  /** Share of requests the candidate answers. */
  canaryShare?: number;
  /** Shadow scans waiting at most (SHADOW_DEFAULTS.maxQueued); more are dropped and counted. */
  shadowMaxQueued?: number;
  /** The plan's randomness (default Math.random; () => 0 takes exactly every 1/share-th request). */
  random?: () => number;
}

export interface StartedRollout {
  model: ModelRollout | null;
  proxy: ProxyCandidate | undefined;
  shadows: ShadowQueue | null;
  /** A log line saying what runs, or '' when no rollout does. */
  describe: string;
  close(): Promise<void>;
}

const NONE: StartedRollout = { model: null, proxy: undefined, shadows: null, describe: '', close: async () => {} };

export function planOf(o: RolloutOptions): RolloutPlan {
  if (o.shadowShare !== undefined && o.canaryShare !== undefined) throw new Error('give --shadow-share or --canary-share, not both');
  if (o.shadowShare !== undefined) return new RolloutPlan('shadow', o.shadowShare, o.random);
  if (o.canaryShare !== undefined) return new RolloutPlan('canary', o.canaryShare, o.random);
  throw new Error('a candidate needs --shadow-share or --canary-share');
}

/**
 * A shadow candidate decodes and runs in one scan worker, one intra-op thread, at the lowest OS
 * priority: shadows run one at a time anyway, and a shadow scan running when a served one
 * arrives then yields the core to it instead of sharing it. A canary answers clients at normal
 * priority: one decode worker and the model in a worker thread, off the event loop.
 */
function candidateLayout(plan: RolloutPlan, threads: number | undefined): V4PathOptions {
  if (plan.mode === 'shadow') return { scanWorkers: 1, threads: 1, workerNice: BACKGROUND_NICE };
  return { threads, workers: 1, modelWorker: true };
}

export async function startRollout(
  agent: StarwatchAgent,
  o: RolloutOptions | undefined,
  mode: { proxy: boolean; threads?: number; maxBytes: number; maxPixels?: number },
): Promise<StartedRollout> {
  const candidate = mode.proxy ? o?.candidateUpstream : o?.candidateModel;
  if (!o || !candidate) {
    if (o?.shadowShare !== undefined || o?.canaryShare !== undefined) throw new Error(`a share needs ${mode.proxy ? '--candidate-upstream' : '--candidate-model'}`);
    return NONE;
  }
  const plan = planOf(o);
  const what = `${plan.mode} ${plan.share} of requests`;
  if (mode.proxy) {
    const shadows = new ShadowQueue(o.shadowMaxQueued ?? SHADOW_DEFAULTS.maxQueued);
    const model: ModelRef = { id: 'upstream-candidate', version: o.candidateVersion ?? 'candidate', sha256: '0'.repeat(64) };
    const proxy = { upstream: checkUpstreamBase(candidate), model, plan, shadows };
    return { model: null, proxy, shadows: plan.mode === 'shadow' ? shadows : null, describe: `rollout: candidate upstream ${proxy.upstream.origin}, ${what}`, close: () => shadows.close() };
  }
  const limits = { maxBytes: mode.maxBytes, ...(mode.maxPixels ? { maxPixels: mode.maxPixels } : {}) };
  const path = await V4Path.load({ modelPath: candidate, limits, ...candidateLayout(plan, mode.threads) });
  const rollout = new ModelRollout(agent, path, plan, o.shadowMaxQueued);
  const id = path.identity;
  return { model: rollout, proxy: undefined, shadows: plan.mode === 'shadow' ? rollout.shadows : null, describe: `rollout: candidate ${id.id} ${id.version} (${id.sha256.slice(0, 12)}), ${what}`, close: () => rollout.close() };
}
