// Reads a request body under a byte limit that is enforced while reading: a declared
// Content-Length over the limit is refused before any byte is read, and a chunked body is
// refused as soon as it passes the limit, never buffered beyond it.
import type { IncomingMessage } from 'node:http';

/** aborted: the client went away mid-body (nothing to answer). */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; bytesSeen: number; aborted?: boolean };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ ok: false, bytesSeen: declared });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        resolve({ ok: false, bytesSeen: size });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve({ ok: true, body: Buffer.concat(chunks, size) });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => resolve({ ok: false, bytesSeen: size, aborted: true }));
  });
}

/** Most a refused upload is read on (and thrown away) so the client sees the 413; then the socket is cut. */
const DISCARD_LIMIT = 8 * 1024 * 1024;

/** After a refusal: drop the rest of the body without keeping it, cut off past a limit. */
export function discardRest(req: IncomingMessage): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) req.socket.destroy();
  });
  req.resume();
}
