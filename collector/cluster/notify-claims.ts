// Replica mode: which replica sends a notification. Every replica analyses the same merged
// windows and comes to the same notifications; the first to create the notification's key in a
// NATS KV bucket sends it, the others find the key and do not. Unlike "only the leader sends"
// (whose router, on the followers, marked groups as told without sending), a notification due
// while the leader dies is still sent once, by a survivor.
// Keys live as long as the cluster stream keeps merged windows (cluster.streamMaxAgeMs): no
// replica can come to an older notification again.
import type { KV, NatsConnection } from 'nats';
import type { Logger } from '../log.ts';
import { setTimeout as delay } from 'node:timers/promises';

export interface NotifyClaimOptions {
  bucket: string;
  ttlMs: number;
  replicas: number;
  holder: string;
  log: Logger;
  /** Tries before a claim that cannot reach NATS is given up and the notification sent anyway. */
  attempts?: number;
}

export async function openNotifyClaims(nc: NatsConnection, o: NotifyClaimOptions): Promise<(key: string) => Promise<boolean>> {
  const kv: KV = await nc.jetstream().views.kv(o.bucket, { history: 1, ttl: o.ttlMs, replicas: o.replicas });
  const attempts = o.attempts ?? 5;
  return async (key) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await kv.create(key, o.holder);
        return true;
      } catch (e) {
        const message = (e as Error).message;
        if (/wrong last sequence|key exists/i.test(message)) return false;
        // Told twice rather than never: a notification is not held back by a NATS outage.
        if (attempt >= attempts) {
          o.log.warn('alert_claim_failed', { key, error: message });
          return true;
        }
        await delay(200 * attempt);
      }
    }
  };
}
