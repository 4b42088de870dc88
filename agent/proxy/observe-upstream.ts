// An upstream reply -> the observation of the request: its verdict when the upstream gave
// one, else a typed error (UPSTREAM_<status>, UPSTREAM_UNREACHABLE, UPSTREAM_BAD_RESPONSE).
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import type { Label } from '../../schemas/inference-event.ts';
import { ms, observeError } from '../events/build.ts';
import type { Observation, Source } from '../events/observation.ts';
import { sniffFormat } from '../events/sniff-format.ts';
import type { UpstreamReply } from './upstream.ts';
import { readSize, readVerdict, pick, type VerdictFields } from './verdict-fields.ts';

export const UPSTREAM_MODEL = { id: 'upstream', version: 'unknown', sha256: '0'.repeat(64) };

function decodeBody(reply: Extract<UpstreamReply, { ok: true }>): unknown {
  const encoding = String(reply.headers['content-encoding'] ?? 'identity').toLowerCase();
  const raw =
    encoding === 'gzip' ? gunzipSync(reply.body) : encoding === 'deflate' ? inflateSync(reply.body) : encoding === 'br' ? brotliDecompressSync(reply.body) : reply.body;
  return JSON.parse(raw.toString('utf8'));
}

export function observeUpstream(
  source: Source,
  request: Uint8Array,
  reply: UpstreamReply,
  fields: VerdictFields,
  label?: Label,
): Observation {
  const input = { format: sniffFormat(request), bytes: request.length, width: 0, height: 0 };
  const extra = { label };
  if (!reply.ok) return { ...observeError(source, 'UPSTREAM_UNREACHABLE', input, reply.ms, extra), model: UPSTREAM_MODEL };
  if (reply.status < 200 || reply.status >= 300) {
    return { ...observeError(source, `UPSTREAM_${reply.status}`, input, reply.ms, extra), model: UPSTREAM_MODEL };
  }
  let body: unknown;
  try {
    body = decodeBody(reply);
  } catch {
    return { ...observeError(source, 'UPSTREAM_BAD_RESPONSE', input, reply.ms, extra), model: UPSTREAM_MODEL };
  }
  const version = pick(body, fields.modelVersion);
  const model = typeof version === 'string' && version && version.length <= 64 ? { ...UPSTREAM_MODEL, version } : UPSTREAM_MODEL;
  const outputs = readVerdict(body, fields);
  if (!outputs) return { ...observeError(source, 'UPSTREAM_BAD_RESPONSE', input, reply.ms, extra), model };
  const timings = { decode_ms: 0, preprocess_ms: 0, infer_ms: ms(reply.ms), total_ms: ms(reply.ms) };
  return { source, input: { ...input, ...readSize(body, fields) }, timings, outputs, errorCode: null, label, model };
}
