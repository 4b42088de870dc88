// One JetStream message -> the valid events it carries, and a dead letter for each thing that is
// not valid (the whole message when it is not a batch, else each bad event). Pure.
import { EventBatch, InferenceEvent } from '../../schemas/inference-event.ts';
import { validator, type Validation } from '../../schemas/validate.ts';
import { eventTimeMs } from '../points/inference-point.ts';
import { isCommonEvent } from './common-event.ts';

const checkBatch = validator(EventBatch);
const checkEvent = validator(InferenceEvent);
const decoder = new TextDecoder();

/** `bad_validation`: a validation summary (VALIDATION_SUBJECT) that is not a valid ValidationSummary. */
export type DeadLetterCode = 'not_json' | 'bad_batch' | 'bad_event' | 'ts_in_future' | 'bad_validation';

export interface Origin {
  subject: string;
  /** Absent for core-NATS messages (validation summaries), which have no stream. */
  stream_seq?: number;
  agent_id?: string;
  batch_seq?: number;
  /** Index of the event in the batch, for event-level dead letters. */
  index?: number;
}

export interface DeadLetter {
  v: 1;
  code: DeadLetterCode;
  reason: string;
  origin: Origin;
  /** The rejected message or event as text, cut to the configured size. */
  payload: string;
}

export interface ValidEvent {
  event: InferenceEvent;
  tsMs: number;
}

export interface DecodeLimits {
  /** Events stamped further ahead of this collector's clock are refused (they would stall windows). */
  maxFutureMs: number;
  /** Dead-letter payloads are cut to this many characters. */
  maxPayloadChars: number;
}

export function decodeMessage(
  data: Uint8Array,
  origin: Origin,
  limits: DecodeLimits,
  nowMs: number,
): { events: ValidEvent[]; dead: DeadLetter[] } {
  const text = decoder.decode(data);
  const dead = (code: DeadLetterCode, reason: string, where: Origin, payload: string): DeadLetter => ({
    v: 1,
    code,
    reason,
    origin: where,
    payload: payload.slice(0, limits.maxPayloadChars),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { events: [], dead: [dead('not_json', (e as Error).message, origin, text)] };
  }
  const batch = checkBatch(parsed);
  if (!batch.ok) return { events: [], dead: [dead('bad_batch', batch.reason, origin, text)] };
  const from = { ...origin, agent_id: batch.value.agent_id, batch_seq: batch.value.seq };
  const events: ValidEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  batch.value.events.forEach((raw, index) => {
    const checked: Validation<InferenceEvent> = isCommonEvent(raw) ? { ok: true, value: raw } : checkEvent(raw);
    if (!checked.ok) {
      deadLetters.push(dead('bad_event', checked.reason, { ...from, index }, JSON.stringify(raw)));
      return;
    }
    const tsMs = eventTimeMs(checked.value.ts_ns);
    if (tsMs > nowMs + limits.maxFutureMs) {
      const reason = `ts_ns is ${Math.round((tsMs - nowMs) / 1000)} s ahead of the collector clock`;
      deadLetters.push(dead('ts_in_future', reason, { ...from, index }, JSON.stringify(raw)));
      return;
    }
    events.push({ event: checked.value, tsMs });
  });
  return { events, dead: deadLetters };
}
