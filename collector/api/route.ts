// The shape every API route has; routes.ts lists them, server.ts serves them, openapi.ts describes them.
import type { IncomingMessage } from 'node:http';
import type { ApiCounters, ApiDeps } from './deps.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  deps: ApiDeps;
  counters: ApiCounters;
  /** The request carries the read token (always true on routes with auth). */
  reader: boolean;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** False only for /health (and the public page assets, served apart). */
  auth: boolean;
  /** Which token it takes: read (default) or write (injecting events). */
  scope?: 'read' | 'write';
  handle(ctx: RouteContext): Promise<Reply>;
}
