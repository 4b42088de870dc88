// Typed errors over HTTP: every refusal is JSON {error:{code,message}} with a status that
// says whose fault it is (4xx: the request; 5xx: only real faults of this server).
import type { ServerResponse } from 'node:http';

const STATUS: Record<string, number> = {
  EMPTY_INPUT: 400,
  CORRUPT_IMAGE: 400,
  TRUNCATED_IMAGE: 400,
  BAD_LABEL: 400,
  BAD_REQUEST_ID: 400,
  BAD_TARGET: 400,
  CLIENT_ABORTED: 400,
  TOO_MANY_BYTES: 413,
  TOO_MANY_PIXELS: 413,
  UNSUPPORTED_FORMAT: 415,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UPSTREAM_UNREACHABLE: 502,
  UPSTREAM_TOO_LARGE: 502,
  OVERLOADED: 503,
  MODEL_ERROR: 500,
  INTERNAL: 500,
};

export function statusFor(code: string): number {
  return STATUS[code] ?? 500;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  code: string,
  message: string,
  extra: { eventId?: string; headers?: Record<string, string> } = {},
): void {
  const body: Record<string, unknown> = { error: { code, message } };
  const headers = { ...extra.headers };
  if (extra.eventId) {
    body.event_id = extra.eventId;
    headers['x-starwatch-event-id'] = extra.eventId;
  }
  sendJson(res, statusFor(code), body, headers);
}
