// Bearer-token checks shared by the HTTP API and the WebSocket upgrade. The token comes in the
// Authorization header; only the WebSocket path (/ws) also takes the `token` query, since a
// browser's WebSocket cannot set headers. Anywhere else a query token would end up in proxy logs
// and browser history, so it is ignored there.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token of `Authorization: Bearer T` (scheme case-insensitive, RFC 7235), or of `?token=` when allowed. */
export function tokenOf(req: IncomingMessage, allowQuery = false): string | undefined {
  const header = /^bearer[ \t]+(.+)$/i.exec(req.headers.authorization ?? '');
  if (header) return header[1].trim();
  if (!allowQuery) return undefined;
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** True if the request carries one of `expected` (header only, or also the query with `allowQuery`). */
export function tokenAuthorizer(expected: string | string[], allowQuery = false): (req: IncomingMessage) => boolean {
  const tokens = (Array.isArray(expected) ? expected : [expected]).filter((t) => t.length > 0);
  if (tokens.length === 0) throw new Error('an empty API token would let everyone in');
  return (req) => {
    const given = tokenOf(req, allowQuery);
    // Every token is compared, so the time does not tell which one matched.
    return given !== undefined && tokens.map((t) => sameToken(given, t)).includes(true);
  };
}
