// Which model scores a request while a candidate is rolled out. The share is owed request by
// request and paid when the debt passes a random threshold in (0, 1]: over any n requests the
// candidate gets n x share within one, but never at a fixed stride, which would alias with
// periodic traffic (a client cycling through 40 images would show the candidate only 4 of them).
// A `random` that always answers 0 makes it exact (every tenth request), for tests. Shadow
// requests get a pair id that both of their events carry.
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
  private threshold: number;
  private readonly pairs = new EventIds();

  constructor(
    readonly mode: RolloutMode,
    readonly share: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`a ${mode} share is in (0, 1], got ${share}`);
    this.threshold = this.draw();
  }

  /** In (0, 1]. */
  private draw(): number {
    return 1 - this.random();
  }

  next(): RolloutTurn {
    this.owed += this.share;
    if (this.owed < this.threshold - 1e-9) return { served: { role: 'primary' } };
    this.owed -= 1;
    this.threshold = this.draw();
    if (this.mode === 'canary') return { served: { role: 'canary' } };
    const pair_id = this.pairs.next();
    return { served: { role: 'primary', pair_id }, shadow: { role: 'shadow', pair_id } };
  }
}
