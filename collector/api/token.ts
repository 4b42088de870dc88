// Bearer-token check shared by the HTTP API and the WebSocket upgrade. The token comes in the
// Authorization header or, for browsers' WebSocket (which cannot set headers), the `token` query.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return query ?? undefined;
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function tokenAuthorizer(expected: string): (req: IncomingMessage) => boolean {
  if (expected.length === 0) throw new Error('an empty API token would let everyone in');
  return (req) => {
    const given = tokenOf(req);
    return given !== undefined && sameToken(given, expected);
  };
}
