// The shape every API route has; routes.ts lists them, server.ts hands them to Fastify, and
// their `schema` (TypeBox) both checks the request and describes the route in /openapi.json.
import type { IncomingMessage } from 'node:http';
import type { FastifySchema } from 'fastify';
import type { ApiCounters, ApiDeps } from './deps.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext<Query = Record<string, string | undefined>, Body = unknown> {
  req: IncomingMessage;
  /** The query, checked and with defaults filled in from the route's schema. */
  query: Query;
  /** The JSON body, checked against the route's schema when it has one. */
  body: Body;
  deps: ApiDeps;
  counters: ApiCounters;
  /** The request carries the read token (always true on routes with auth). */
  reader: boolean;
  /** The OpenAPI document, built by @fastify/swagger from the routes' schemas. */
  openapi(): unknown;
}

/** What a body that fails the route's schema is called in the 400. */
export interface InvalidBody {
  code: string;
  message: string;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** False only for /health (and the public page assets, served apart). */
  auth: boolean;
  /** Which token it takes: read (default) or write (injecting events). */
  scope?: 'read' | 'write';
  schema: FastifySchema;
  invalidBody?: InvalidBody;
  handle(ctx: RouteContext<any, any>): Promise<Reply>;
}
