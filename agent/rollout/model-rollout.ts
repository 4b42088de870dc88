// A candidate model beside the agent's own (model mode): the plan says who scores each
// request; the canary's share is answered by the candidate, the shadow's share is scored by
// it after the primary's answer went out, both verdicts paired by one id.
import type { Label } from '../../schemas/inference-event.ts';
import type { Source } from '../events/observation.ts';
import type { ScanOptions, StarwatchAgent } from '../library/agent.ts';
import type { V4Path } from '../../v4/path.ts';
import type { RolloutPlan } from './rollout-plan.ts';
import { ShadowQueue } from './shadow-queue.ts';
import { ServedInFlight } from './served-in-flight.ts';

export interface RolloutScan {
  /** How to scan the request the client waits for. */
  served: ScanOptions;
  /** Call exactly once, when the answer went out (or the scan failed): queues the shadow, if any. */
  afterAnswer(): void;
}

export class ModelRollout {
  readonly shadows: ShadowQueue;
  /** Served scans between scan() and afterAnswer(); shadows wait until there are none. */
  readonly served = new ServedInFlight();

  constructor(
    private readonly agent: StarwatchAgent,
    readonly candidate: V4Path,
    readonly plan: RolloutPlan,
    maxQueued?: number,
  ) {
    this.shadows = new ShadowQueue(maxQueued, this.served);
  }

  scan(bytes: Uint8Array, source: Source, label: Label | undefined, requestId?: string): RolloutScan {
    const turn = this.plan.next();
    const path = turn.served.role === 'canary' ? this.candidate : undefined;
    const served: ScanOptions = { source, label, requestId, rollout: turn.served, ...(path ? { path } : {}) };
    const shadow = turn.shadow;
    this.served.enter();
    this.shadows.servedScanStarts();
    let answered = false;
    const afterAnswer = () => {
      if (answered) return;
      answered = true;
      if (shadow) this.shadows.offer(() => this.agent.scanOutcome(bytes, { source, label, requestId, path: this.candidate, rollout: shadow }));
      this.served.leave();
    };
    return { served, afterAnswer };
  }

  async close(): Promise<void> {
    await this.shadows.close();
    await this.candidate.close();
  }
}
