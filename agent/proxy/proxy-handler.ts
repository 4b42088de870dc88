// Proxy mode: POST /v1/scan goes to the upstream inference service as it came; the upstream's
// answer goes back to the client unchanged; the agent only watches and emits the event.
import type { OutgoingHttpHeaders } from 'node:http';
import type { StarwatchAgent } from '../library/agent.ts';
import { sendError } from '../server/http-errors.ts';
import type { ScanHandler, ScanRequest } from '../server/scan-handler.ts';
import type { Label } from '../../schemas/inference-event.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { observeUpstream } from './observe-upstream.ts';
import { callUpstream, forwardableHeaders } from './upstream.ts';
import { DEFAULT_VERDICT_FIELDS, type VerdictFields } from './verdict-fields.ts';

export interface ProxyOptions {
  upstream: string;
  fields?: VerdictFields;
  timeoutMs?: number;
}

export class ProxyScanHandler implements ScanHandler {
  readonly source = 'proxy' as const;
  readonly upstream: URL;
  private readonly fields: VerdictFields;
  private readonly timeoutMs: number;

  constructor(
    private readonly agent: StarwatchAgent,
    options: ProxyOptions,
  ) {
    this.upstream = new URL(options.upstream);
    this.fields = options.fields ?? DEFAULT_VERDICT_FIELDS;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The upstream decides what it accepts. */
  acceptsMediaType(): boolean {
    return true;
  }

  async handle({ req, res, body, label }: ScanRequest): Promise<void> {
    const reply = await callUpstream(this.upstream, req.url ?? '/v1/scan', body, forwardableHeaders(req.headers), this.timeoutMs);
    const event = this.agent.emit(observeUpstream(this.source, body, reply, this.fields, label));
    if (!reply.ok) {
      sendError(res, 'UPSTREAM_UNREACHABLE', `the inference service did not answer: ${reply.message}`, { eventId: event.event_id });
      return;
    }
    const headers: OutgoingHttpHeaders = { ...forwardableHeaders(reply.headers), 'content-length': String(reply.body.length) };
    headers['x-starwatch-event-id'] = event.event_id;
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }

  /** The same call for bytes that did not come over HTTP (golden probes in proxy mode). */
  async scanBytes(bytes: Uint8Array, source: 'probe', label?: Label): Promise<InferenceEvent> {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const reply = await callUpstream(this.upstream, '/v1/scan', body, { 'content-type': 'application/octet-stream' }, this.timeoutMs);
    return this.agent.emit(observeUpstream(source, bytes, reply, this.fields, label));
  }
}
