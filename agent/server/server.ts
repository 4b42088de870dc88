// The agent's HTTP server (node:http): POST /v1/scan, GET /metrics, /healthz, /readyz.
// Refusals that happen before the handler (bad label, media type, size) are answered here
// and still emit their event, so every request to /v1/scan is counted exactly once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { observeError } from '../events/build.ts';
import { unknownInput } from '../events/observation.ts';
import type { StarwatchAgent } from '../library/agent.ts';
import { sendError, sendJson } from './http-errors.ts';
import { parseLabel } from './label.ts';
import { parseRequestId } from './request-id.ts';
import type { MethodAliases } from '../../schemas/method-aliases.ts';
import { Admission, ADMISSION_DEFAULTS } from './admission.ts';
import type { AgentMetrics } from './metrics.ts';
import { discardRest, readBody } from './read-body.ts';
import type { ScanHandler } from './scan-handler.ts';

export interface ScanServerOptions {
  agent: StarwatchAgent;
  handler: ScanHandler;
  metrics: AgentMetrics;
  /** Largest request body accepted on /v1/scan. */
  maxBytes: number;
  /** False while a proxy's upstream or a model is not there yet; default: always. */
  modelReady?: () => boolean;
  /** Scans and pixels in flight; default: ADMISSION_DEFAULTS. */
  admission?: Admission;
  /** Connection limits and timeouts against slow or idle clients; default: SERVER_LIMITS. */
  limits?: Partial<ServerLimits>;
  /** Method names accepted in labels beyond ours; default: eoi and lsb. */
  methodAliases?: MethodAliases;
}

export const SERVER_LIMITS = {
  /** Sockets open at once; more are closed on accept (and counted). */
  maxConnections: 2048,
  /** A client gets this long to send its request line and headers. */
  headersTimeoutMs: 5_000,
  /** ...and this long for the whole request, body included (20 MB at 5 Mbit/s is 32 s). */
  requestTimeoutMs: 40_000,
  /** A socket with no traffic at all is closed after this long, unless its request is in and being answered. */
  idleTimeoutMs: 10_000,
};

export type ServerLimits = typeof SERVER_LIMITS;

export interface ScanServer {
  server: Server;
  /** Stops taking requests and waits for those in progress. */
  close(): Promise<void>;
}

function declaredBytes(req: IncomingMessage): number {
  const n = Number(req.headers['content-length']);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export function createScanServer(options: ScanServerOptions): ScanServer {
  const { agent, handler, metrics, maxBytes } = options;
  const admission = options.admission ?? new Admission(ADMISSION_DEFAULTS, (reason) => metrics.countRefusal(reason));
  const limits = { ...SERVER_LIMITS, ...options.limits };
  metrics.watchAdmission(admission);
  let closing = false;

  /** A refusal before the handler: its event, then the typed error. */
  const refuse = (req: IncomingMessage, res: ServerResponse, start: number, code: string, message: string, bytes: number, headers: Record<string, string> = {}, requestId?: string): void => {
    const input = unknownInput(bytes);
    const event = agent.emit({ ...observeError(handler.source, code, input, performance.now() - start), ...(requestId ? { requestId } : {}) });
    sendError(res, code, message, { eventId: event.event_id, headers: { connection: 'close', ...headers } });
    discardRest(req);
  };

  const scan = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // What the body may hold: its declared length, or the cap for a chunked one.
    const length = Number(req.headers['content-length']);
    const bodyBytes = Number.isFinite(length) && length >= 0 ? Math.min(length, maxBytes) : maxBytes;
    if (!admission.enterScan(bodyBytes)) {
      const retry = { 'retry-after': String(admission.limits.retryAfterSec) };
      // The client's request id stays on the refusal's event, so a label sent for it is not unknown.
      const id = parseRequestId(req.headers);
      return refuse(req, res, performance.now(), 'OVERLOADED', 'too many scans in flight; retry later', declaredBytes(req), retry, id.ok ? id.requestId : undefined);
    }
    try {
      await admitted(req, res, url);
    } finally {
      admission.leaveScan(bodyBytes);
    }
  };

  const admitted = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const start = performance.now();
    const id = parseRequestId(req.headers);
    if (!id.ok) return refuse(req, res, start, 'BAD_REQUEST_ID', id.message, declaredBytes(req));
    const requestId = id.requestId;
    const label = parseLabel(url.searchParams, req.headers, options.methodAliases);
    if (!label.ok) return refuse(req, res, start, 'BAD_LABEL', label.message, declaredBytes(req), {}, requestId);
    const type = req.headers['content-type'];
    if (!handler.acceptsMediaType(type)) {
      return refuse(req, res, start, 'UNSUPPORTED_MEDIA_TYPE', `send raw image bytes, not ${type}`, declaredBytes(req), {}, requestId);
    }
    const body = await readBody(req, maxBytes);
    if (!body.ok && body.aborted) {
      agent.emit({ ...observeError(handler.source, 'CLIENT_ABORTED', unknownInput(body.bytesSeen), performance.now() - start), ...(requestId ? { requestId } : {}) });
      return;
    }
    if (!body.ok) {
      return refuse(req, res, start, 'TOO_MANY_BYTES', `the body is over the limit of ${maxBytes} bytes`, body.bytesSeen, {}, requestId);
    }
    await handler.handle({ req, res, body: body.body, label: label.label, requestId });
  };

  const readyz = (res: ServerResponse): void => {
    const s = agent.stats();
    const modelLoaded = options.modelReady ? options.modelReady() : true;
    // Queueing counts as ready: events wait (within the bound) while NATS is away.
    const ready = modelLoaded && !closing;
    sendJson(res, ready ? 200 : 503, { ready, model_loaded: modelLoaded, nats_connected: s.connected, queue_depth: s.queueDepth });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://agent');
    } catch {
      return sendError(res, 'BAD_TARGET', 'the request target is not a URL path');
    }
    const path = url.pathname;
    if (path === '/v1/scan') {
      if (req.method !== 'POST') return sendError(res, 'METHOD_NOT_ALLOWED', 'use POST', { headers: { allow: 'POST' } });
      return scan(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'METHOD_NOT_ALLOWED', 'use GET', { headers: { allow: 'GET' } });
    if (path === '/metrics') {
      const text = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/readyz') return readyz(res);
    sendError(res, 'NOT_FOUND', `no route ${path}`);
  };

  const server = createServer({ headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 500 }, (req, res) => {
    // The idle timeout is for clients that go silent; once a request is in, its scan may take
    // longer than that (a large image on a loaded machine), and the client is owed the answer.
    // After the response Node arms its keep-alive timeout on the socket.
    req.once('end', () => req.socket.setTimeout(0));
    route(req, res).catch((e: unknown) => {
      // A fault of ours: 500, and the process stays up.
      process.stderr.write(`starwatch agent: internal error on ${req.method} ${req.url}: ${(e as Error)?.stack ?? e}\n`);
      if (!res.headersSent) sendError(res, 'INTERNAL', 'internal error');
      else res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Slow or malformed clients end here (header/request timeouts, bad HTTP): counted, cut.
    if (error.code === 'ECONNRESET') return;
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    metrics.countRefusal(timedOut ? 'request_timeout' : 'bad_http');
    if (socket.writable) socket.end(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    socket.destroy();
  });
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => metrics.countRefusal('connections'));
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  agent.onEvent((event) => metrics.observe(event));

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
