// A warning that may repeat for every hostile request is logged at most once per interval
// per kind, with how many were held back, so an attack cannot flood the log.
import type { Logger } from '../../log/logger.ts';

export class ThrottledLog {
  private readonly lastAt = new Map<string, number>();
  private readonly held = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `kind` groups lines that throttle together; never pass secrets in `message`. */
  warn(kind: string, message: string): void {
    const t = this.now();
    const last = this.lastAt.get(kind);
    if (last !== undefined && t - last < this.intervalMs) {
      this.held.set(kind, (this.held.get(kind) ?? 0) + 1);
      return;
    }
    const held = this.held.get(kind) ?? 0;
    this.lastAt.set(kind, t);
    this.held.delete(kind);
    this.logger.warn(held > 0 ? `${message} (and ${held} more like it since the last line)` : message);
  }
}
