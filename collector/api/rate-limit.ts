// A token bucket: `ratePerSec` tokens a second, at most `burst` saved up.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    if (!this.peek()) return false;
    this.tokens -= 1;
    return true;
  }

  /** True if a token is there to take (refills first, takes nothing). */
  peek(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    return this.tokens >= 1;
  }

  /** Seconds until the next token, for Retry-After. */
  waitSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSec));
  }
}
