// The collector's HTTP server: the API routes, the live page and the WebSocket upgrade on one port.
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { servePage, PAGE_PREFIX } from '../page/serve.ts';
import type { ApiCounters, ApiDeps } from './deps.ts';
import { ApiError, sendError, sendJson } from './http.ts';
import { QueryCache } from './query-cache.ts';
import { RateMeter } from './rate-meter.ts';
import { ROUTES } from './routes.ts';
import { createAuthenticator } from './authenticate.ts';
import { withoutSecrets } from '../log.ts';
import { InfluxQLError } from '../sinks/influxql.ts';

export const LIVE_PATH = '/ws';

export interface ApiServer {
  server: Server;
  counters: ApiCounters;
  /** Listens and resolves with the base URL (port 0 picks a free one). */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createApiServer(deps: ApiDeps): ApiServer {
  const counters: ApiCounters = {
    requests: new RateMeter(),
    logAccepted: new RateMeter(),
    logRejected: new RateMeter(),
    rejectedByCode: new Map(),
    queries: new QueryCache(deps.limits.queryCacheMs),
    authRefused: new Map(),
  };
  const auth = createAuthenticator(deps, counters);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.requests.mark();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = ROUTES.find((r) => r.path === url.pathname);
    try {
      if (!route) {
        if (req.method === 'GET' && (await servePage(url.pathname, res))) return;
        if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/live')) {
          res.writeHead(302, { location: PAGE_PREFIX }).end();
          return;
        }
        throw new ApiError(404, 'not_found', `no route ${url.pathname}`);
      }
      if (route.method !== req.method) {
        throw new ApiError(405, 'method_not_allowed', `${url.pathname} takes ${route.method}`, [], { allow: route.method });
      }
      if (route.auth) auth.require(req, route.scope ?? 'read');
      const reply = await route.handle({ req, url, deps, counters, reader: route.auth || auth.isReader(req) });
      if (route.path === '/metrics/log') counters.logAccepted.mark();
      sendJson(res, reply.status, reply.body, reply.headers);
    } catch (e) {
      const error = e instanceof ApiError ? e : e instanceof InfluxQLError ? influxApiError(e) : new ApiError(500, 'internal', 'internal error');
      if (!(e instanceof ApiError) && !(e instanceof InfluxQLError)) console.error('starwatch api: unexpected error', withoutSecrets(String((e as Error)?.stack ?? e)));
      if (route?.path === '/metrics/log') {
        counters.logRejected.mark();
        counters.rejectedByCode.set(error.code, (counters.rejectedByCode.get(error.code) ?? 0) + 1);
      }
      if (res.headersSent) res.destroy();
      else {
        if (error.status === 413) res.setHeader('connection', 'close'); // the rest of the body is not read
        sendError(res, error);
      }
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void onRequest(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== LIVE_PATH || !deps.hub) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    // Checked before the upgrade: a stranger gets an HTTP refusal, never a WebSocket.
    try {
      auth.require(req, 'read', true);
    } catch (e) {
      const error = e as ApiError;
      const headers = Object.entries(error.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      const body = JSON.stringify({ error: { code: error.code, message: error.message } });
      socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`);
      return;
    }
    deps.hub.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_e, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));

  return {
    server,
    counters,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const { port: chosen } = server.address() as AddressInfo;
          resolve(`http://${host}:${chosen}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** InfluxDB away is the API's 503 (try again), InfluxDB refusing a query its 502. */
function influxApiError(e: InfluxQLError): ApiError {
  return e.kind === 'unreachable' ? new ApiError(503, 'influx_unavailable', e.message) : new ApiError(502, 'influx_error', e.message);
}
