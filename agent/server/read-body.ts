// Reads a request body under a byte limit that is enforced while reading: a declared
// Content-Length over the limit is refused before any byte is read, and a chunked body is
// refused as soon as it passes the limit, never buffered beyond it.
import type { IncomingMessage } from 'node:http';

/** aborted: the client went away mid-body (nothing to answer). */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; bytesSeen: number; aborted?: boolean };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ ok: false, bytesSeen: declared });
  // A declared length is read straight into one buffer: no chunk list plus a concatenated copy,
  // which would hold every body twice at its peak (the parser enforces the declared length).
  const into = Number.isInteger(declared) && declared >= 0 ? Buffer.allocUnsafe(declared) : null;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > maxBytes || (into && size + chunk.length > into.length)) {
        req.off('data', onData);
        req.off('end', onEnd);
        resolve({ ok: false, bytesSeen: size + chunk.length });
        return;
      }
      if (into) chunk.copy(into, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = (): void => resolve({ ok: true, body: into ? into.subarray(0, size) : Buffer.concat(chunks, size) });
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
