// The client's X-Request-Id, kept in the request's event so a late label can name the request
// (POST /labels with request_id). Bounded and plain: it goes to NATS, InfluxDB and back in
// regular expressions, so anything longer or with other characters is refused, not cut.
import type { IncomingHttpHeaders } from 'node:http';
import { REQUEST_ID_MAX, REQUEST_ID_PATTERN } from '../../schemas/event-fields.ts';

const PLAIN = new RegExp(REQUEST_ID_PATTERN);

export type RequestIdResult = { ok: true; requestId: string | undefined } | { ok: false; message: string };

export function parseRequestId(headers: IncomingHttpHeaders): RequestIdResult {
  const raw = headers['x-request-id'];
  if (raw === undefined) return { ok: true, requestId: undefined };
  // node joins repeated headers it does not know with ", ", which the pattern refuses.
  const id = Array.isArray(raw) ? raw.join(', ') : raw.trim();
  if (id.length === 0) return { ok: true, requestId: undefined };
  if (id.length > REQUEST_ID_MAX) return { ok: false, message: `X-Request-Id is over ${REQUEST_ID_MAX} characters` };
  if (!PLAIN.test(id)) return { ok: false, message: 'X-Request-Id may hold only letters, digits and _ . : -' };
  return { ok: true, requestId: id };
}
