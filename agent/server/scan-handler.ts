// What answers POST /v1/scan once the server has the body: the V4 path here (model mode),
// or an upstream service (agent/proxy). Both emit exactly one event per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Label } from '../../schemas/inference-event.ts';
import type { Source } from '../events/observation.ts';
import type { StarwatchAgent } from '../library/agent.ts';
import { sendError, sendJson } from './http-errors.ts';

export interface ScanRequest {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  label: Label | undefined;
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

  constructor(private readonly agent: StarwatchAgent) {}

  acceptsMediaType(contentType: string | undefined): boolean {
    return isImageMediaType(contentType);
  }

  async handle({ res, body, label }: ScanRequest): Promise<void> {
    const outcome = await this.agent.scanOutcome(body, { source: this.source, label });
    const eventId = outcome.event.event_id;
    if (!outcome.ok) {
      sendError(res, outcome.code, outcome.message, { eventId });
      return;
    }
    const { info, verdict, timings } = outcome.result;
    sendJson(res, 200, { event_id: eventId, model: this.agent.model, info, verdict, timings }, { 'x-starwatch-event-id': eventId });
  }
}
