// Which model scores a request while a candidate is rolled out: the share is taken exactly
// (error diffusion, not dice), so 0.1 is every tenth request and a short test sees the share
// it asked for. Shadow requests get a pair id that both of their events carry.
import { EventIds } from '../events/event-id.ts';
import type { Rollout } from '../../schemas/inference-event.ts';

export type RolloutMode = 'shadow' | 'canary';

export interface RolloutTurn {
  /** The rollout tag of the event the client's answer comes from. */
  served: Rollout;
  /** Set when the candidate scores this image again after the answer went out. */
  shadow?: Rollout;
}

export class RolloutPlan {
  private owed = 0;
  private readonly pairs = new EventIds();

  constructor(
    readonly mode: RolloutMode,
    readonly share: number,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`a ${mode} share is in (0, 1], got ${share}`);
  }

  next(): RolloutTurn {
    this.owed += this.share;
    if (this.owed < 1 - 1e-9) return { served: { role: 'primary' } };
    this.owed -= 1;
    if (this.mode === 'canary') return { served: { role: 'canary' } };
    const pair_id = this.pairs.next();
    return { served: { role: 'primary', pair_id }, shadow: { role: 'shadow', pair_id } };
  }
}
