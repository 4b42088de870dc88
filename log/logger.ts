// The one logging interface every component takes (agent, collector, CLI, demo), so any of them
// can be given a quiet or a capturing logger. `event` names what happened (a short name or a
// sentence); `fields` are data an implementation may redact. Callers never pass secrets in.

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  debug(event: string, fields?: Record<string, unknown>): void;
}

/** A Logger whose level methods all go through one `log`. */
export function byLevel(log: Logger['log']): Logger {
  return {
    log,
    info: (e, f) => log('info', e, f),
    warn: (e, f) => log('warn', e, f),
    error: (e, f) => log('error', e, f),
    debug: (e, f) => log('debug', e, f),
  };
}

export const silentLogger: Logger = byLevel(() => {});
