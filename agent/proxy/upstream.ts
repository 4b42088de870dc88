// One call to the upstream inference service, timed, with its response kept byte for byte
// (status, headers, body) so the proxy can hand it back unchanged.
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as requestTls } from 'node:https';

export type UpstreamReply =
  | { ok: true; status: number; headers: IncomingHttpHeaders; body: Buffer; ms: number }
  | { ok: false; message: string; ms: number };

/** Headers that belong to one hop and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length']);

export function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

export function callUpstream(
  base: URL,
  pathAndQuery: string,
  body: Buffer,
  headers: OutgoingHttpHeaders,
  timeoutMs: number,
): Promise<UpstreamReply> {
  const start = performance.now();
  const url = new URL(pathAndQuery, base);
  const send = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve) => {
    const done = (reply: UpstreamReply): void => resolve(reply);
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ ok: true, status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - start }));
      res.on('error', (e) => done({ ok: false, message: e.message, ms: performance.now() - start }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (e) => done({ ok: false, message: e.message, ms: performance.now() - start }));
    req.end(body);
  });
}
