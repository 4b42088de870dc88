// Proxy mode: POST /v1/scan goes to the upstream inference service as it came; the upstream's
// answer goes back to the client unchanged; the agent only watches and emits the event.
// The proxy only ever talks to its configured origin, and reads answers under caps.
import type { OutgoingHttpHeaders } from 'node:http';
import type { StarwatchAgent } from '../library/agent.ts';
import { sendError } from '../server/http-errors.ts';
import type { ScanHandler, ScanRequest } from '../server/scan-handler.ts';
import type { Label, Rollout } from '../../schemas/inference-event.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { observeError } from '../events/build.ts';
import { unknownInput } from '../events/observation.ts';
import { silentLogger, type Logger } from '../../log/logger.ts';
import { ThrottledLog } from '../../log/rate-limited.ts';
import { observeUpstream, UPSTREAM_MODEL, type UpstreamObservation } from './observe-upstream.ts';
import { checkUpstreamBase, upstreamUrl } from './request-target.ts';
import { callUpstream, forwardableHeaders, type UpstreamReply } from './upstream.ts';
import type { MethodAliases } from '../../schemas/method-aliases.ts';
import { DEFAULT_VERDICT_FIELDS, type VerdictFields } from './verdict-fields.ts';
import { asCandidate, type ProxyCandidate } from '../rollout/proxy-candidate.ts';

export const PROXY_DEFAULTS = {
  timeoutMs: 30_000,
  /** A verdict is a few hundred bytes of JSON; 1 MiB leaves room for verbose services. */
  maxAnswerBytes: 1024 * 1024,
  maxDecodedBytes: 4 * 1024 * 1024,
};

export interface ProxyOptions {
  upstream: string;
  fields?: VerdictFields;
  /** Method names of the upstream beyond ours (defaults: eoi -> raw, lsb -> lsb.rgb). */
  aliases?: MethodAliases;
  timeoutMs?: number;
  /** Largest upstream answer read, as sent (compressed). */
  maxAnswerBytes?: number;
  /** Largest upstream answer after undoing its Content-Encoding. */
  maxDecodedBytes?: number;
  logger?: Logger;
  /** A second upstream in shadow or canary (agent/rollout). */
  candidate?: ProxyCandidate;
}

const MESSAGES = {
  UPSTREAM_UNREACHABLE: 'the inference service did not answer',
  UPSTREAM_TOO_LARGE: 'the inference service answered more than this proxy reads',
};

/** What the upstream's verdicts said beyond the event's outputs, for the agent's metrics. */
export interface VerdictCounts {
  unknownMethods: number;
  extractionOverrides: number;
}

export class ProxyScanHandler implements ScanHandler {
  readonly source = 'proxy' as const;
  readonly counts: VerdictCounts = { unknownMethods: 0, extractionOverrides: 0 };
  readonly upstream: URL;
  private readonly fields: VerdictFields;
  private readonly limits: typeof PROXY_DEFAULTS;
  private readonly log: ThrottledLog;

  constructor(
    private readonly agent: StarwatchAgent,
    options: ProxyOptions,
  ) {
    this.upstream = checkUpstreamBase(options.upstream);
    this.fields = options.fields ?? DEFAULT_VERDICT_FIELDS;
    this.limits = {
      timeoutMs: options.timeoutMs ?? PROXY_DEFAULTS.timeoutMs,
      maxAnswerBytes: options.maxAnswerBytes ?? PROXY_DEFAULTS.maxAnswerBytes,
      maxDecodedBytes: options.maxDecodedBytes ?? PROXY_DEFAULTS.maxDecodedBytes,
    };
    this.log = new ThrottledLog(options.logger ?? silentLogger);
    this.aliases = options.aliases;
    this.candidate = options.candidate;
  }

  private readonly candidate?: ProxyCandidate;

  private readonly aliases?: MethodAliases;

  /** The upstream decides what it accepts. */
  acceptsMediaType(): boolean {
    return true;
  }

  async handle({ req, res, body, label, requestId }: ScanRequest): Promise<void> {
    const target = upstreamUrl(this.upstream, req.url ?? '');
    const id = requestId ? { requestId } : {};
    if (!target.ok) {
      const event = this.agent.emit({ ...observeError(this.source, 'BAD_TARGET', unknownInput(body.length), 0, { label }), model: UPSTREAM_MODEL, ...id });
      sendError(res, 'BAD_TARGET', target.message, { eventId: event.event_id });
      return;
    }
    const turn = this.candidate?.plan.next();
    const canary = turn?.served.role === 'canary' && this.candidate ? upstreamUrl(this.candidate.upstream, req.url ?? '') : null;
    const requestHeaders = forwardableHeaders(req.headers);
    const reply = await this.call(canary?.ok ? canary.url : target.url, body, requestHeaders);
    const seen = this.count(await observeUpstream(this.source, body, reply, this.fields, this.limits.maxDecodedBytes, label, this.aliases));
    const observation = !turn ? seen.observation : canary?.ok && this.candidate ? asCandidate(seen.observation, this.candidate, turn.served) : { ...seen.observation, rollout: turn.served };
    // X-Request-Id went upstream with the other headers (forwardableHeaders); the event keeps it.
    const event = this.agent.emit({ ...observation, ...id });
    if (seen.refusal || !reply.ok) {
      const code = seen.refusal ?? 'UPSTREAM_UNREACHABLE';
      sendError(res, code, MESSAGES[code], { eventId: event.event_id });
    } else {
      const headers: OutgoingHttpHeaders = { ...forwardableHeaders(reply.headers), 'content-length': String(reply.body.length) };
      headers['x-starwatch-event-id'] = event.event_id;
      res.writeHead(reply.status, headers);
      res.end(reply.body);
    }
    if (turn?.shadow) this.shadow(req.url ?? '', body, requestHeaders, label, turn.shadow, requestId);
  }

  /** The candidate upstream scores the same request after the answer went out. */
  private shadow(path: string, body: Buffer, headers: OutgoingHttpHeaders, label: Label | undefined, rollout: Rollout, requestId?: string): void {
    const candidate = this.candidate;
    const target = candidate ? upstreamUrl(candidate.upstream, path) : null;
    if (!candidate || !target?.ok) return;
    candidate.shadows.offer(async () => {
      const reply = await this.call(target.url, body, headers);
      const seen = this.count(await observeUpstream(this.source, body, reply, this.fields, this.limits.maxDecodedBytes, label, this.aliases));
      this.agent.emit({ ...asCandidate(seen.observation, candidate, rollout), ...(requestId ? { requestId } : {}) });
    });
  }

  /** The same call for bytes that did not come over HTTP (golden probes in proxy mode). */
  async scanBytes(bytes: Uint8Array, source: 'probe', label?: Label): Promise<InferenceEvent> {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const target = upstreamUrl(this.upstream, '/v1/scan');
    if (!target.ok) throw new Error(target.message);
    const reply = await this.call(target.url, body, { 'content-type': 'application/octet-stream' });
    const seen = this.count(await observeUpstream(source, bytes, reply, this.fields, this.limits.maxDecodedBytes, label, this.aliases));
    return this.agent.emit(seen.observation);
  }

  private count(seen: UpstreamObservation): UpstreamObservation {
    if (seen.extracted) this.counts.extractionOverrides++;
    if (seen.unknownMethod) {
      this.counts.unknownMethods++;
      this.log.warn('unknown-method', `proxy: the upstream named a method Starwatch does not know: "${seen.unknownMethod}" (add it with --method-alias name=method)`);
    }
    return seen;
  }

  private async call(url: URL, body: Buffer, headers: OutgoingHttpHeaders): Promise<UpstreamReply> {
    const reply = await callUpstream({ url, body, headers, timeoutMs: this.limits.timeoutMs, maxAnswerBytes: this.limits.maxAnswerBytes });
    // The detail (host, port, errno) helps the operator and would help an attacker: log only.
    if (!reply.ok) this.log.warn(`upstream-${reply.failure}`, `proxy: upstream ${reply.failure}: ${reply.detail}`);
    return reply;
  }
}
