// One call to the upstream inference service, timed, with its response kept byte for byte
// (status, headers, body) so the proxy can hand it back unchanged. The answer is read under a
// byte cap: an upstream (or whoever answers in its place) cannot make the proxy buffer more.
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as requestTls } from 'node:https';

/** too_large: the answer passed the byte cap; unreachable: no (complete) answer at all. */
export type UpstreamFailure = 'unreachable' | 'too_large';

export type UpstreamReply =
  | { ok: true; status: number; headers: IncomingHttpHeaders; body: Buffer; ms: number }
  /** `detail` is for the log only: it names hosts and ports, never sent to the client. */
  | { ok: false; failure: UpstreamFailure; detail: string; ms: number };

/** Headers that belong to one hop and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length']);

export function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

export interface UpstreamCall {
  /** Built by upstreamUrl() from the configured origin. */
  url: URL;
  body: Buffer;
  headers: OutgoingHttpHeaders;
  timeoutMs: number;
  /** Largest answer body read (as sent, before any decompression). */
  maxAnswerBytes: number;
}

export function callUpstream({ url, body, headers, timeoutMs, maxAnswerBytes }: UpstreamCall): Promise<UpstreamReply> {
  const start = performance.now();
  const send = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve) => {
    let settled = false;
    const done = (reply: UpstreamReply): void => {
      if (settled) return;
      settled = true;
      resolve(reply);
    };
    const fail = (failure: UpstreamFailure, detail: string): void => done({ ok: false, failure, detail, ms: performance.now() - start });
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: timeoutMs }, (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxAnswerBytes) {
        fail('too_large', `answer declares ${declared} bytes, over ${maxAnswerBytes}`);
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxAnswerBytes) {
          fail('too_large', `answer passed ${maxAnswerBytes} bytes`);
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => done({ ok: true, status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks, size), ms: performance.now() - start }));
      res.on('error', (e) => fail('unreachable', e.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (e) => fail('unreachable', e.message));
    req.end(body);
  });
}
