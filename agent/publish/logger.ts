// The agent's log lines go through this small interface so tests and the library can
// silence or capture them. Callers never pass secrets in.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`starwatch agent: ${m}\n`),
  warn: (m) => process.stderr.write(`starwatch agent: warning: ${m}\n`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
