// Peak resident memory of this process during a run, sampled (on a timer and whenever the run
// asks), because Node reports only the current RSS. The OS's own high-water mark (maxRSS) is
// kept beside it: it covers the whole process life, model loading included.

const SAMPLE_MS = 25;

export class PeakRss {
  private peak = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  /** Stops sampling; returns the sampled peak and the process's high-water mark, in bytes. */
  stop(): { sampledBytes: number; processMaxBytes: number } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return { sampledBytes: this.peak, processMaxBytes: process.resourceUsage().maxRSS * 1024 };
  }
}
