// The collector's HTTP server on Fastify: the API routes (routes.ts, checked and documented by
// their schemas), the live page (@fastify/static) and the WebSocket upgrade, on one port.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { registerPage, PAGE_PREFIX } from '../page/serve.ts';
import type { ApiCounters, ApiDeps } from './deps.ts';
import { ApiError, errorBody } from './http.ts';
import { jsonOf, QueryCache } from './query-cache.ts';
import { RateMeter } from './rate-meter.ts';
import { ROUTES } from './routes.ts';
import { createAuthenticator, type Authenticator } from './authenticate.ts';
import { asApiError, parseJsonBody } from './errors.ts';
import { OPENAPI_BASE } from './openapi.ts';
import { parseQuery, validatorCompiler } from './validation.ts';
import { attachLiveFeed, LIVE_PATH } from './ws-upgrade.ts';
import type { Route } from './route.ts';

export { LIVE_PATH };

export interface ApiServer {
  server: Server;
  counters: ApiCounters;
  /** Listens and resolves with the base URL (port 0 picks a free one). */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const LOG_PATH = '/metrics/log';
// Only Retry-After on a refusal, as before: the x-ratelimit-* headers on every answer would be new.
const NO_RATE_HEADERS = { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false };

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
  const app = Fastify({
    bodyLimit: deps.limits.maxBodyBytes,
    keepAliveTimeout: 65_000,
    requestTimeout: 300_000, // Node's own default, which Fastify turns off: a trickling client is cut off
    forceCloseConnections: true,
    exposeHeadRoutes: false,
    routerOptions: { querystringParser: parseQuery },
  });
  const ready = setUp(app, deps, counters, auth);
  attachLiveFeed(app.server, deps.hub, auth);

  return {
    server: app.server,
    counters,
    listen: async (port, host = '127.0.0.1') => {
      await ready;
      await app.listen({ port, host });
      return `http://${host}:${(app.server.address() as AddressInfo).port}`;
    },
    close: async () => {
      await ready.catch(() => undefined);
      await app.close();
    },
  };
}

async function setUp(app: FastifyInstance, deps: ApiDeps, counters: ApiCounters, auth: Authenticator): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJsonBody);
  app.setValidatorCompiler(validatorCompiler((url) => ROUTES.find((r) => r.path === url)?.invalidBody ?? { code: 'invalid_body', message: 'the body does not fit this route' }));
  // Replies are written as given: the response schemas document them, they do not filter them.
  app.setSerializerCompiler(() => jsonOf);
  app.addHook('onRequest', (_req, _reply, done) => {
    counters.requests.mark();
    done();
  });
  app.setErrorHandler((e, req, reply) => sendError(reply, asApiError(e, deps.limits.maxBodyBytes), req, counters));
  app.setNotFoundHandler((req, reply) => notFound(req, reply, counters));
  await app.register(fastifySwagger, { openapi: OPENAPI_BASE });
  await app.register(fastifyRateLimit, { global: false, addHeadersOnExceeding: NO_RATE_HEADERS, addHeaders: { ...NO_RATE_HEADERS, 'retry-after': true } });
  await registerPage(app);
  for (const route of ROUTES) addRoute(app, route, deps, counters, auth);
  await app.ready();
}

function addRoute(app: FastifyInstance, route: Route, deps: ApiDeps, counters: ApiCounters, auth: Authenticator): void {
  const { limits } = deps;
  app.route({
    method: route.method,
    url: route.path,
    schema: route.schema,
    onRequest: route.auth ? async (req) => auth.require(req.raw, route.scope ?? 'read') : undefined,
    // One bucket for the whole API: it guards JetStream, not fairness between clients.
    config: route.path === LOG_PATH ? { rateLimit: logRateLimit(limits.logRatePerSec, limits.logBurst) } : {},
    handler: async (req, reply) => {
      const ctx = { req: req.raw, query: req.query, body: req.body, deps, counters, reader: route.auth || auth.isReader(req.raw), openapi: () => app.swagger() };
      const answer = await route.handle(ctx);
      if (route.path === LOG_PATH) counters.logAccepted.mark();
      return reply.code(answer.status).headers({ 'cache-control': 'no-store', ...answer.headers }).send(answer.body);
    },
  });
}

/** `burst` requests per `burst / ratePerSec` seconds: on average the configured rate. */
function logRateLimit(ratePerSec: number, burst: number) {
  return {
    max: burst,
    timeWindow: Math.max(1, Math.round((burst / ratePerSec) * 1000)),
    keyGenerator: () => LOG_PATH,
    errorResponseBuilder: () => Object.assign(new ApiError(429, 'rate_limited', `over ${ratePerSec} events/s`), { statusCode: 429 }),
  };
}

function sendError(reply: FastifyReply, error: ApiError, req: FastifyRequest, counters: ApiCounters): FastifyReply {
  if (req.routeOptions.url === LOG_PATH) {
    counters.logRejected.mark();
    counters.rejectedByCode.set(error.code, (counters.rejectedByCode.get(error.code) ?? 0) + 1);
  }
  if (reply.sent) return reply;
  // The rest of a body over the limit is not read, so the connection cannot be reused.
  if (error.status === 413) reply.header('connection', 'close');
  return reply.code(error.status).headers({ 'cache-control': 'no-store', ...error.headers }).send(errorBody(error));
}

/** The old entry points go to the page; a known path with the wrong method is 405, not 404. */
function notFound(req: FastifyRequest, reply: FastifyReply, counters: ApiCounters): FastifyReply {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && (path === '/' || path === '/live')) return reply.redirect(PAGE_PREFIX, 302);
  const route = ROUTES.find((r) => r.path === path);
  const error = route
    ? new ApiError(405, 'method_not_allowed', `${path} takes ${route.method}`, [], { allow: route.method })
    : new ApiError(404, 'not_found', `no route ${path}`);
  return sendError(reply, error, req, counters);
}
