// Shadow scoring runs after the answer went out, one image at a time, so it never holds a
// client; what it cannot keep up with is dropped and counted (a shadow is a sample, never a
// backlog that grows with traffic). Given the served scans in flight, a shadow waits for a
// moment when none runs, so shadows take the gaps between served scans; but for at most
// `maxGapWaitMs`, since under steady load (or on a busy machine) the gaps may never come, and a
// shadow that never runs leaves the rollout with no comparison at all.
import { setTimeout as delay } from 'node:timers/promises';
import type { ServedInFlight } from './served-in-flight.ts';

export const SHADOW_DEFAULTS = {
  /** Shadow scans waiting to run; more are dropped (starwatch_agent_shadow_scans_total{outcome="dropped"}). */
  maxQueued: 32,
  /** How long a shadow waits for no served scan to be in flight before it runs anyway. */
  maxGapWaitMs: 500,
};

export interface ShadowCounts {
  scored: number;
  dropped: number;
  /** Wall time spent scoring shadows, ms: the extra cost of shadowing. */
  ms: number;
  /** Served scans that started while a shadow scan ran: the only ones a shadow can still slow down. */
  servedBeside: number;
}

export class ShadowQueue {
  readonly counts: ShadowCounts = { scored: 0, dropped: 0, ms: 0, servedBeside: 0 };
  private scoringNow = false;
  private readonly waiting: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | null = null;

  constructor(
    readonly maxQueued = SHADOW_DEFAULTS.maxQueued,
    private readonly served?: ServedInFlight,
    private readonly maxGapWaitMs = SHADOW_DEFAULTS.maxGapWaitMs,
  ) {}

  /** False when the queue is full (the job is dropped and counted). */
  offer(job: () => Promise<unknown>): boolean {
    if (this.waiting.length >= this.maxQueued) {
      this.counts.dropped++;
      return false;
    }
    this.waiting.push(job);
    // After the current I/O turn, so the answer that scheduled this is written first.
    this.running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    return true;
  }

  /** A served scan starts: counted when a shadow runs beside it (the only case it can slow). */
  servedScanStarts(): void {
    if (this.scoringNow) this.counts.servedBeside++;
  }

  get depth(): number {
    return this.waiting.length;
  }

  /** Resolves once every queued shadow has run. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * For a stop: the shadows still waiting are dropped (and counted), the one running is awaited.
   * Waiting for them all could take as long as the queue is deep at the shadows' low priority:
   * the demo's stop under stress-ng outlasted its 30 s.
   */
  async close(): Promise<void> {
    this.counts.dropped += this.waiting.length;
    this.waiting.length = 0;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let job = await this.nextJob(); job; job = await this.nextJob()) {
      const start = performance.now();
      this.scoringNow = true;
      try {
        await job();
      } catch {
        // A shadow scan's failure is its event's error_code; nothing else to do here.
      } finally {
        this.scoringNow = false;
      }
      this.counts.ms += performance.now() - start;
      this.counts.scored++;
    }
    this.running = null;
  }

  /** The oldest job, once no served scan is in flight or it has waited maxGapWaitMs for that. */
  private async nextJob(): Promise<(() => Promise<unknown>) | undefined> {
    if (this.served?.busy) {
      const gaveUp = new AbortController();
      await Promise.race([this.served.whenIdle(), delay(this.maxGapWaitMs, undefined, { signal: gaveUp.signal }).catch(() => undefined)]);
      gaveUp.abort();
    }
    return this.waiting.shift();
  }
}
