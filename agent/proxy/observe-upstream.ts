// An upstream reply -> the observation of the request: its verdict when the upstream gave
// one, else a typed error (UPSTREAM_<status>, UPSTREAM_UNREACHABLE, UPSTREAM_TOO_LARGE,
// UPSTREAM_BAD_RESPONSE).
import type { Label } from '../../schemas/inference-event.ts';
import { ms, observeError } from '../events/build.ts';
import type { Observation, Source } from '../events/observation.ts';
import { sniffFormat } from '../events/sniff-format.ts';
import { decodeContent, DecodedTooLarge } from './decompress.ts';
import type { UpstreamReply } from './upstream.ts';
import type { MethodAliases } from '../../schemas/method-aliases.ts';
import { readSize, readUpstreamVerdict, pick, type VerdictFields } from './verdict-fields.ts';

export const UPSTREAM_MODEL = { id: 'upstream', version: 'unknown', sha256: '0'.repeat(64) };

export interface UpstreamObservation {
  observation: Observation;
  /** Set when the client must get a typed 502 instead of the upstream's answer. */
  refusal: 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_TOO_LARGE' | null;
  /** A method name in the verdict that is none of ours nor an alias (counted, never dropped silently). */
  unknownMethod?: string | null;
  /** The verdict is stego because the upstream extracted a message. */
  extracted?: boolean;
}

export async function observeUpstream(
  source: Source,
  request: Uint8Array,
  reply: UpstreamReply,
  fields: VerdictFields,
  maxDecodedBytes: number,
  label?: Label,
  aliases?: MethodAliases,
): Promise<UpstreamObservation> {
  const input = { format: sniffFormat(request), bytes: request.length, width: 0, height: 0 };
  const failed = (code: string, model = UPSTREAM_MODEL): Observation => ({ ...observeError(source, code, input, reply.ms, { label }), model });
  if (!reply.ok) {
    const code = reply.failure === 'too_large' ? 'UPSTREAM_TOO_LARGE' : 'UPSTREAM_UNREACHABLE';
    return { observation: failed(code), refusal: code };
  }
  if (reply.status < 200 || reply.status >= 300) return { observation: failed(`UPSTREAM_${reply.status}`), refusal: null };
  let body: unknown;
  try {
    const text = await decodeContent(reply.body, reply.headers['content-encoding'], maxDecodedBytes);
    body = JSON.parse(text.toString('utf8'));
  } catch (e) {
    if (e instanceof DecodedTooLarge) return { observation: failed('UPSTREAM_TOO_LARGE'), refusal: 'UPSTREAM_TOO_LARGE' };
    return { observation: failed('UPSTREAM_BAD_RESPONSE'), refusal: null };
  }
  const version = pick(body, fields.modelVersion);
  const model = typeof version === 'string' && version && version.length <= 64 ? { ...UPSTREAM_MODEL, version } : UPSTREAM_MODEL;
  const verdict = readUpstreamVerdict(body, fields, undefined, aliases);
  if (!verdict) return { observation: failed('UPSTREAM_BAD_RESPONSE', model), refusal: null };
  const timings = { decode_ms: 0, preprocess_ms: 0, infer_ms: ms(reply.ms), total_ms: ms(reply.ms) };
  const observation = { source, input: { ...input, ...readSize(body, fields) }, timings, outputs: verdict.outputs, errorCode: null, label, model };
  return { observation, refusal: null, unknownMethod: verdict.unknownMethod, extracted: verdict.extracted };
}
