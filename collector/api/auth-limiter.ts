// Failed authentication, rate-limited per client address: each failure takes a token from the
// address's bucket, and an address with an empty bucket is refused (429) before its token is
// even looked at, so guessing tokens costs time. The map of addresses is bounded: past
// `maxAddresses` the least recently failing one is forgotten.
import type { IncomingMessage } from 'node:http';
import { TokenBucket } from './rate-limit.ts';

export interface AuthLimits {
  /** Failed attempts an address may make per second, once its burst is spent. */
  authFailRatePerSec: number;
  authFailBurst: number;
  /** Addresses remembered at most. */
  authFailAddresses: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = { authFailRatePerSec: 1, authFailBurst: 10, authFailAddresses: 10_000 };

export class AuthFailureLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: AuthLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Seconds to wait if `req`'s address has spent its failures, else 0. */
  blockedFor(req: IncomingMessage): number {
    const bucket = this.buckets.get(addressOf(req));
    return bucket && !bucket.peek() ? bucket.waitSeconds() : 0;
  }

  failed(req: IncomingMessage): void {
    const address = addressOf(req);
    let bucket = this.buckets.get(address);
    if (!bucket) bucket = new TokenBucket(this.limits.authFailRatePerSec, this.limits.authFailBurst, this.now);
    this.buckets.delete(address); // re-inserted last: the map stays in order of the latest failure
    this.buckets.set(address, bucket);
    bucket.take();
    if (this.buckets.size > this.limits.authFailAddresses) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

const addressOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';
