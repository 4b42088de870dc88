// The agent's log lines: plain text on stderr, for an operator reading a sidecar's output. The
// interface is the one every component takes (log/logger.ts), so tests and the library can
// silence or capture them.
import { byLevel } from '../../log/logger.ts';

export const stderrLogger = byLevel((level, event, fields) =>
  process.stderr.write(`starwatch agent: ${level === 'info' ? '' : `${level}: `}${event}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`),
);
