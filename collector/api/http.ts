// Small HTTP helpers: typed errors, JSON replies, bounded bodies, query parsing.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error the client caused or should know about: it becomes the response, never a crash. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reasons: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  const body = { error: { code: error.code, message: error.message, ...(error.reasons.length ? { reasons: error.reasons } : {}) } };
  sendJson(res, error.status, body, error.headers);
}

/** Reads the body, refusing (413) past `maxBytes` before buffering more. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new ApiError(413, 'body_too_large', `body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(413, 'body_too_large', `body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One of `allowed`, the default when absent, a 400 otherwise. */
export function oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ApiError(400, 'bad_query', `${name} must be one of ${allowed.join(', ')}`, [`${name}=${value}`]);
}

export function intParam(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError(400, 'bad_query', `${name} must be an integer in ${min}..${max}`, [`${name}=${value}`]);
  }
  return n;
}

export function boolParam(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ApiError(400, 'bad_query', `${name} must be true or false`, [`${name}=${value}`]);
}
