// One JetStream message -> the valid events it carries, and a dead letter for each thing that is
// not valid (the whole message when it is not a batch, else each bad event). Pure. A batch comes
// as rows (v1) or as columns (v2, what the agent sends); either way each event is checked alone.
import { EventColumns, columnsMisfit, rowOf } from '../../schemas/event-columns.ts';
import { EventBatch, InferenceEvent } from '../../schemas/inference-event.ts';
import { validator, type Validation } from '../../schemas/validate.ts';
import { eventTimeMs } from '../points/inference-point.ts';
import { plainRows } from './common-columns.ts';
import { isCommonEvent } from './common-event.ts';

const checkBatch = validator(EventBatch);
const checkColumns = validator(EventColumns);
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
  const batch = batchOf(parsed);
  if (!batch.ok) return { events: [], dead: [dead('bad_batch', batch.reason, origin, text)] };
  const from = { ...origin, agent_id: batch.agent_id, batch_seq: batch.seq };
  const events: ValidEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  for (let index = 0; index < batch.n; index++) {
    const raw = batch.row(index);
    const checked: Validation<InferenceEvent> = batch.plain(index, raw) ? { ok: true, value: raw as InferenceEvent } : checkEvent(raw);
    if (!checked.ok) {
      deadLetters.push(dead('bad_event', checked.reason, { ...from, index }, JSON.stringify(raw)));
      continue;
    }
    const tsMs = eventTimeMs(checked.value.ts_ns);
    if (tsMs > nowMs + limits.maxFutureMs) {
      const reason = `ts_ns is ${Math.round((tsMs - nowMs) / 1000)} s ahead of the collector clock`;
      deadLetters.push(dead('ts_in_future', reason, { ...from, index }, JSON.stringify(raw)));
      continue;
    }
    events.push({ event: checked.value, tsMs });
  }
  return { events, dead: deadLetters };
}

interface Rows {
  ok: true;
  agent_id: string;
  seq: number;
  n: number;
  row(i: number): unknown;
  /** True when the row is valid for sure (the fast checks); false leaves it to the schema. */
  plain(i: number, row: unknown): boolean;
}

/** The batch behind a parsed message, v1 or v2, as rows to check one by one. */
function batchOf(parsed: unknown): Rows | { ok: false; reason: string } {
  if ((parsed as { v?: unknown } | null)?.v === 2) {
    const checked = checkColumns(parsed);
    if (!checked.ok) return checked;
    const columns = checked.value;
    const misfit = columnsMisfit(columns);
    if (misfit !== undefined) return { ok: false, reason: misfit };
    const plain = plainRows(columns);
    return { ok: true, agent_id: columns.agent_id, seq: columns.seq, n: columns.n, row: (i) => rowOf(columns, i), plain: (i) => plain[i] === 1 };
  }
  const checked = checkBatch(parsed);
  if (!checked.ok) return checked;
  const rows = checked.value;
  return { ok: true, agent_id: rows.agent_id, seq: rows.seq, n: rows.events.length, row: (i) => rows.events[i], plain: (_, row) => isCommonEvent(row) };
}
