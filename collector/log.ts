// Structured logs: one JSON object per line. Values under secret-looking keys are never printed,
// and credentials inside URLs (scheme://user:password@host) are masked in every string value,
// error messages included, since those often quote the URL they failed on.

import { byLevel, type Level, type Logger } from '../log/logger.ts';

// Failures an outsider can repeat at will (bad tokens, bad input) are logged through this.
export { limitedLogger } from '../log/rate-limited.ts';

export type { Level, Logger };
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|password|pass$|secret|authorization|creds|seed|nkey/i;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s,"']*@/gi;
const BEARER = /(bearer[ \t]+)[^\s,"']+/gi;

/** `text` with URL credentials and bearer tokens masked; for logs, errors and responses alike. */
export function withoutSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@').replace(BEARER, '$1***');
}

export function createLogger(
  level: Level,
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: Record<string, unknown> = {},
): Logger {
  const log = (at: Level, event: string, fields: Record<string, unknown> = {}): void => {
    if (ORDER[at] < ORDER[level]) return;
    const record = { ts: new Date().toISOString(), level: at, event, ...base, ...fields };
    write(JSON.stringify(record, redact) + '\n');
  };
  return byLevel(log);
}

function redact(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key)) return '***';
  if (typeof value === 'string') return withoutSecrets(value);
  if (value instanceof Error) return withoutSecrets(value.message);
  return value;
}
