// The leader's rule: minutes up to the lowest `through` of the live, busy replicas can be merged,
// since every one of them has published all of its windows of them (an idle replica, holding
// nothing, holds nothing back). A replica is live while its marks
// keep coming; one silent for liveTimeoutMs is dropped (its unacked messages were redelivered to
// the others, who count them: the timeout is longer than the ack wait, so that happens first).
import type { MarkMessage, MergeMessage } from './messages.ts';

interface ReplicaState {
  through: number;
  idle: boolean;
  incarnation: string;
  seenMs: number;
}

export class MergeDecider {
  private readonly replicas = new Map<string, ReplicaState>();

  constructor(private readonly liveTimeoutMs: number) {}

  /** A mark read from the stream; `atMs` is its stream time, the same for every reader. */
  observe(mark: MarkMessage, atMs: number): void {
    const was = this.replicas.get(mark.replica);
    // A restarted replica starts over: what it reports now is all it has published.
    const through = was && was.incarnation === mark.incarnation ? Math.max(was.through, mark.through) : mark.through;
    this.replicas.set(mark.replica, { through, idle: mark.idle === true, incarnation: mark.incarnation, seenMs: Math.max(atMs, was?.seenMs ?? atMs) });
  }

  live(nowMs: number): string[] {
    return [...this.replicas].filter(([, r]) => nowMs - r.seenMs <= this.liveTimeoutMs).map(([name]) => name).sort();
  }

  /** The next decision, or null when no minute past mergedThrough is ready. */
  decide(nowMs: number, mergedThrough: number, leader: string): MergeMessage | null {
    const live = this.live(nowMs);
    if (live.length === 0) return null;
    // Idle replicas hold nothing back; when all are idle, all they closed is published.
    const states = live.map((name) => this.replicas.get(name)!);
    const busy = states.filter((r) => !r.idle);
    const through = busy.length > 0 ? Math.min(...busy.map((r) => r.through)) : Math.max(...states.map((r) => r.through));
    if (!(through > mergedThrough)) return null;
    return { kind: 'merge', leader, through, replicas: live };
  }
}
