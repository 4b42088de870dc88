// Who may do what: the read token for GET routes and the feed, the write token for injecting
// events. Every refusal is counted and logged (rate-limited), and an address that keeps failing
// is refused with 429 before its token is looked at.
import type { IncomingMessage } from 'node:http';
import { limitedLogger, type Logger } from '../log.ts';
import { AuthFailureLimiter } from './auth-limiter.ts';
import type { ApiCounters, ApiDeps } from './deps.ts';
import { ApiError } from './http.ts';
import { tokenAuthorizer, tokenOf } from './token.ts';

export type Scope = 'read' | 'write';

export interface Authenticator {
  /** True if `req` carries the read token (for /health's detail; never throws, never counts). */
  isReader(req: IncomingMessage): boolean;
  /** Throws the ApiError (401, 403, 429) that refuses `req`, or returns if it may go on. */
  require(req: IncomingMessage, scope: Scope, allowQuery?: boolean): void;
}

export function createAuthenticator(deps: ApiDeps, counters: ApiCounters): Authenticator {
  const reader = tokenAuthorizer(deps.token);
  const readerByQuery = tokenAuthorizer(deps.token, true);
  const writer = deps.writeToken ? tokenAuthorizer(deps.writeToken) : undefined;
  const limiter = new AuthFailureLimiter(deps.limits);
  const log: Logger | undefined = deps.log ? limitedLogger(deps.log) : undefined;

  const refuse = (req: IncomingMessage, reason: string, error: ApiError): never => {
    counters.authRefused.set(reason, (counters.authRefused.get(reason) ?? 0) + 1);
    deps.onAuthRefused?.(reason);
    log?.warn('api_auth_refused', { reason, address: req.socket.remoteAddress, path: new URL(req.url ?? '/', 'http://x').pathname });
    throw error;
  };

  return {
    isReader: (req) => reader(req),
    require(req, scope, allowQuery = false) {
      const wait = limiter.blockedFor(req);
      if (wait > 0) {
        refuse(req, 'rate_limited', new ApiError(429, 'auth_rate_limited', 'too many failed authentications; try again later', [], { 'retry-after': String(wait) }));
      }
      const ok = scope === 'write' ? writer?.(req) === true : (allowQuery ? readerByQuery : reader)(req);
      if (ok) return;
      // The read token on a write route is a known client lacking the right, not a guess.
      if (scope === 'write' && reader(req)) {
        refuse(req, 'wrong_scope', new ApiError(403, 'forbidden', deps.writeToken ? 'this route needs the write token' : 'no write token is configured, so events cannot be injected'));
      }
      limiter.failed(req);
      const reason = tokenOf(req, allowQuery) === undefined ? 'no_token' : 'wrong_token';
      refuse(req, reason, new ApiError(401, 'unauthorized', 'missing or wrong token', [], { 'www-authenticate': 'Bearer' }));
    },
  };
}
