// Structured logs: one JSON object per line. Values under secret-looking keys are never printed.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|password|pass$|secret|authorization/i;

export interface Logger {
  log(level: Level, event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  debug(event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: Level,
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: Record<string, unknown> = {},
): Logger {
  const log = (at: Level, event: string, fields: Record<string, unknown> = {}): void => {
    if (ORDER[at] < ORDER[level]) return;
    const record = { ts: new Date().toISOString(), level: at, event, ...base, ...fields };
    write(JSON.stringify(record, (key, value) => (key && SECRET_KEY.test(key) ? '***' : value)) + '\n');
  };
  return {
    log,
    info: (e, f) => log('info', e, f),
    warn: (e, f) => log('warn', e, f),
    error: (e, f) => log('error', e, f),
    debug: (e, f) => log('debug', e, f),
  };
}
