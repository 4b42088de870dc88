// Lines an outsider can repeat at will (bad tokens, refused requests, a hostile upstream) get
// through at most once per interval per key; the ones held back are counted and told by the
// next line that gets through, so the log says how much happened without saying it a million
// times. The one rule behind the collector's `limitedLogger` and the agent's `ThrottledLog`.
import { byLevel, type Level, type Logger } from './logger.ts';

export class LineThrottle {
  private readonly last = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined: hold this line back; else let it through, with how many were held back before it. */
  pass(key: string): number | undefined {
    const seen = this.last.get(key);
    const t = this.now();
    if (seen && t - seen.at < this.everyMs) {
      seen.held++;
      return undefined;
    }
    this.last.set(key, { at: t, held: 0 });
    return seen?.held ?? 0;
  }
}

/** A Logger that lets each event name through once per `everyMs`, with `suppressed` counted. */
export function limitedLogger(logger: Logger, everyMs = 10_000, now: () => number = Date.now): Logger {
  const throttle = new LineThrottle(everyMs, now);
  return byLevel((at: Level, event: string, fields: Record<string, unknown> = {}) => {
    const held = throttle.pass(event);
    if (held === undefined) return;
    logger.log(at, event, held > 0 ? { ...fields, suppressed: held } : fields);
  });
}

/** Warnings as sentences, once per `kind` per interval; the count held back ends the next one. */
export class ThrottledLog {
  private readonly throttle: LineThrottle;

  constructor(
    private readonly logger: Logger,
    intervalMs = 10_000,
    now: () => number = Date.now,
  ) {
    this.throttle = new LineThrottle(intervalMs, now);
  }

  /** `kind` groups lines that throttle together; never pass secrets in `message`. */
  warn(kind: string, message: string): void {
    const held = this.throttle.pass(kind);
    if (held === undefined) return;
    this.logger.warn(held > 0 ? `${message} (and ${held} more like it since the last line)` : message);
  }
}
