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
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** False only for /health (and the public page assets, served apart). */
  auth: boolean;
  handle(ctx: RouteContext): Promise<Reply>;
}
