// What answers POST /v1/scan once the server has the body: the V4 path here (model mode),
// or an upstream service (agent/proxy). Both emit exactly one event per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Label } from '../../schemas/inference-event.ts';
import type { Source } from '../events/observation.ts';
import type { StarwatchAgent } from '../library/agent.ts';
import { observeError } from '../events/build.ts';
import { unknownInput } from '../events/observation.ts';
import { sniffFormat } from '../events/sniff-format.ts';
import { declaredPixels } from '../../v4/decode/declared-size.ts';
import type { Admission } from './admission.ts';
import type { ModelRollout } from '../rollout/model-rollout.ts';
import { sendError, sendJson } from './http-errors.ts';

export interface ScanRequest {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  label: Label | undefined;
  /** The client's X-Request-Id, checked (request-id.ts); every event of the request carries it. */
  requestId?: string;
}

export interface ScanHandler {
  /** The events' source for requests this handler refuses or answers. */
  readonly source: Source;
  /** False means 415 before the body is read. */
  acceptsMediaType(contentType: string | undefined): boolean;
  handle(request: ScanRequest): Promise<void>;
}

/**
 * Raw image bytes are expected; 415 only for types that clearly carry something else (JSON,
 * text, forms with parts). Curl's default (x-www-form-urlencoded) passes: the bytes decide.
 */
export function isImageMediaType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0].trim().toLowerCase();
  const other = type.startsWith('text/') || type.startsWith('multipart/') || type.endsWith('json') || type.endsWith('xml');
  return !other;
}

export class ModelScanHandler implements ScanHandler {
  readonly source = 'scan' as const;

  constructor(
    private readonly agent: StarwatchAgent,
    private readonly admission: Admission | null = null,
    /** A candidate model in shadow or canary, when one is rolled out. */
    private readonly rollout: ModelRollout | null = null,
  ) {}

  acceptsMediaType(contentType: string | undefined): boolean {
    return isImageMediaType(contentType);
  }

  async handle(request: ScanRequest): Promise<void> {
    const pixels = this.pixelsToReserve(request.body);
    if (this.admission && !this.admission.reservePixels(pixels)) {
      const { res, body, label, requestId } = request;
      const input = { ...unknownInput(body.length), format: sniffFormat(body) };
      const event = this.agent.emit({ ...observeError(this.source, 'OVERLOADED', input, 0, { label }), ...(requestId ? { requestId } : {}) });
      const headers = { 'retry-after': String(this.admission.limits.retryAfterSec) };
      sendError(res, 'OVERLOADED', `${this.admission.limits.maxPixelsInFlight} pixels are being decoded already; retry later`, { eventId: event.event_id, headers });
      return;
    }
    try {
      await this.scan(request);
    } finally {
      this.admission?.releasePixels(pixels);
    }
  }

  /** Declared pixels, within the per-image cap (over it the decoder refuses from the header). */
  private pixelsToReserve(body: Uint8Array): number {
    const declared = declaredPixels(body) ?? 0;
    const cap = this.agent.path?.limits.maxPixels ?? Infinity;
    return declared <= cap ? declared : 0;
  }

  private async scan({ res, body, label, requestId }: ScanRequest): Promise<void> {
    const turn = this.rollout?.scan(body, this.source, label, requestId);
    try {
      const outcome = await this.agent.scanOutcome(body, turn?.served ?? { source: this.source, label, requestId });
      const eventId = outcome.event.event_id;
      if (!outcome.ok) {
        const headers: Record<string, string> = outcome.code === 'OVERLOADED' ? { 'retry-after': String(this.admission?.limits.retryAfterSec ?? 1) } : {};
        sendError(res, outcome.code, outcome.message, { eventId, headers });
      } else {
        const { info, verdict, timings } = outcome.result;
        sendJson(res, 200, { event_id: eventId, model: outcome.event.model, info, verdict, timings }, { 'x-starwatch-event-id': eventId });
      }
    } finally {
      // Also when the scan threw: the rollout counts this scan as in flight until then.
      turn?.afterAnswer();
    }
  }
}
