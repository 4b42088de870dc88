// The analysis leader: a lease, one key in a NATS KV bucket whose entries expire after ttlMs.
// The holder renews it every third of the TTL with a compare-and-set on its revision; the others
// try to create it at the same pace, which succeeds once it has expired (the holder died) or was
// deleted (the holder stopped cleanly). A holder that could not renew for 0.8 TTL stops
// counting itself leader before anyone else can take over, so two never act at once.
import type { KV, NatsConnection } from 'nats';

const KEY = 'leader';

export interface LeaseOptions {
  bucket: string;
  ttlMs: number;
  replicas: number;
  /** This replica's name, the value of the key. */
  holder: string;
  onChange?: (leader: boolean) => void;
  onError?: (error: Error) => void;
}

export interface Lease {
  isLeader(): boolean;
  stop(): Promise<void>;
}

export async function startLease(nc: NatsConnection, o: LeaseOptions): Promise<Lease> {
  const kv: KV = await nc.jetstream().views.kv(o.bucket, { history: 1, ttl: o.ttlMs, replicas: o.replicas });
  let revision = 0;
  let renewedAt = 0;
  let held = false;
  let stopped = false;
  const isLeader = () => held && Date.now() - renewedAt < 0.8 * o.ttlMs;
  let was = false;
  const tick = async () => {
    const startedAt = Date.now();
    try {
      if (held) revision = await kv.update(KEY, o.holder, revision);
      else revision = await kv.create(KEY, o.holder);
      held = true;
      renewedAt = startedAt;
    } catch (e) {
      // Another holder, or NATS away: either way not (or no longer surely) the leader.
      const message = (e as Error).message;
      if (held || !/wrong last sequence|key exists/i.test(message)) o.onError?.(e as Error);
      held = false;
    }
    report();
  };
  const report = () => {
    const now = isLeader();
    if (now !== was) o.onChange?.((was = now));
  };
  let running: Promise<void> = tick();
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick);
  }, Math.max(100, Math.floor(o.ttlMs / 3)));
  // Fencing also when a renewal hangs: leadership lapses on the clock.
  const fence = setInterval(report, 200);
  await running;
  return {
    isLeader,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(fence);
      await running;
      // Handing over at once instead of after the TTL.
      if (held) await kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
      held = false;
      report();
    },
  };
}
