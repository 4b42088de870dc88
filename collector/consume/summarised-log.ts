// Warnings that a hostile publisher can repeat at will (one per bad message) go through here:
// at most `burst` lines, refilled at `perSecond`; what is held back is counted by code and
// reported in one summary line every `summaryMs`, so the log says how much happened without
// saying it a million times.
import { TokenBucket } from '../api/rate-limit.ts';
import type { Logger } from '../log.ts';

export interface SummarisedLogOptions {
  perSecond: number;
  burst: number;
  summaryMs: number;
}

export const SUMMARISED_LOG_DEFAULTS: SummarisedLogOptions = { perSecond: 5, burst: 20, summaryMs: 10_000 };

export class SummarisedLog {
  private readonly bucket: TokenBucket;
  private suppressed = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  /** Lines held back since start. */
  suppressedTotal = 0;

  constructor(
    private readonly log: Logger,
    private readonly event: string,
    options: SummarisedLogOptions = SUMMARISED_LOG_DEFAULTS,
  ) {
    this.bucket = new TokenBucket(options.perSecond, options.burst);
    this.timer = setInterval(() => this.summarise(), options.summaryMs);
    this.timer.unref();
  }

  warn(code: string, fields: Record<string, unknown>): void {
    if (this.bucket.take()) {
      this.log.warn(this.event, { code, ...fields });
      return;
    }
    this.suppressedTotal++;
    this.suppressed.set(code, (this.suppressed.get(code) ?? 0) + 1);
  }

  summarise(): void {
    if (this.suppressed.size === 0) return;
    const byCode = Object.fromEntries(this.suppressed);
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    this.suppressed = new Map();
    this.log.warn(`${this.event}_suppressed`, { suppressed: total, by_code: byCode });
  }

  stop(): void {
    clearInterval(this.timer);
    this.summarise();
  }
}
