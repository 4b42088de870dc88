// Every failure the API answers, as its typed error: ours (ApiError), InfluxDB's, and Fastify's
// own (body too large, bad JSON, ...), so clients see one body shape whatever refused them.
import type { FastifyError } from 'fastify';
import { withoutSecrets } from '../log.ts';
import { InfluxQLError } from '../sinks/influxql.ts';
import { ApiError } from './http.ts';

export function asApiError(e: unknown, maxBodyBytes: number): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof InfluxQLError) return influxApiError(e);
  const f = e as FastifyError;
  if (f.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(413, 'body_too_large', `body over ${maxBodyBytes} bytes`);
  // Fastify's other refusals of a request (bad content length, ...) keep their status.
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) return new ApiError(f.statusCode, 'bad_request', f.message);
  console.error('starwatch api: unexpected error', withoutSecrets(String((e as Error)?.stack ?? e)));
  return new ApiError(500, 'internal', 'internal error');
}

/** InfluxDB away is the API's 503 (try again), InfluxDB refusing a query its 502. */
function influxApiError(e: InfluxQLError): ApiError {
  return e.kind === 'unreachable' ? new ApiError(503, 'influx_unavailable', e.message) : new ApiError(502, 'influx_error', e.message);
}

/** Parses any body as JSON (the API takes nothing else, whatever its content type says). */
export function parseJsonBody(_req: unknown, text: string | Buffer, done: (e: Error | null, body?: unknown) => void): void {
  try {
    done(null, JSON.parse(text.toString()));
  } catch (e) {
    done(new ApiError(400, 'bad_json', 'the body is not JSON', [(e as Error).message]));
  }
}
