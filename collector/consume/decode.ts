// One JetStream message -> the valid events it carries, and at most ONE dead letter for what is
// not valid (the whole message when it is not a batch, else a summary of its bad events). Pure.
// A batch comes as rows (v1), as columns (v2), as compacted columns (v3: schemas/compact-columns.ts)
// or as those in CBOR (v4, what the agent sends: schemas/cbor-batch.ts); v3 and v4 are expanded
// to v2 first; either way each event is checked alone. One letter per message, not per event: a
// hostile batch of thousands of bad events must not become thousands of letters, log lines and
// publishes.
import { EventColumns, columnsMisfit, rowOf } from '../../schemas/event-columns.ts';
import { expandColumns } from '../../schemas/compact-columns.ts';
import { decodeCborBatch, isCbor, MAX_CBOR_BYTES } from '../../schemas/cbor-batch.ts';
import { EventBatch, InferenceEvent, MAX_JSON_DEPTH, MAX_MESSAGE_BYTES, MAX_TS_NS } from '../../schemas/inference-event.ts';
import { EVENTS_SUBJECT_PREFIX } from '../../schemas/subjects.ts';
import { validator, type Validation } from '../../schemas/validate.ts';
import { eventTimeMs } from '../../schemas/event-time.ts';
import { plainRows } from './common-columns.ts';
import { parseJsonSliced } from './sliced-json.ts';
import { isCommonEvent } from './common-event.ts';
import type { TimeSlice } from './time-slice.ts';

const checkBatch = validator(EventBatch);
const checkColumns = validator(EventColumns);
const checkEvent = validator(InferenceEvent);
const decoder = new TextDecoder();

/**
 * `bad_validation`: a validation summary (VALIDATION_SUBJECT) that is not a valid ValidationSummary;
 * `not_cbor`: a message marked as CBOR (schemas/cbor-batch.ts) that does not decode as CBOR;
 * `too_large`: the message passes MAX_MESSAGE_BYTES; `agent_mismatch`: its subject names another
 * agent than its batch; `ts_out_of_range`: stamped before what the raw retention policy keeps, or
 * past int64 ns; `poison`: decoding it threw (e.g. nesting too deep to print);
 * `influx_rejected`: InfluxDB refused its point (sinks/).
 */
export type DeadLetterCode =
  | 'not_json'
  | 'not_cbor'
  | 'bad_batch'
  | 'bad_event'
  | 'ts_in_future'
  | 'ts_out_of_range'
  | 'too_large'
  | 'agent_mismatch'
  | 'poison'
  | 'influx_rejected'
  | 'bad_validation';

export interface Origin {
  subject: string;
  /** Absent for core-NATS messages (validation summaries), which have no stream. */
  stream_seq?: number;
  agent_id?: string;
  batch_seq?: number;
  /** Index of the (first) refused event in the batch, for event-level dead letters. */
  index?: number;
}

export interface DeadLetter {
  v: 1;
  code: DeadLetterCode;
  reason: string;
  origin: Origin;
  /** The rejected message or event as text, cut to the configured size. */
  payload: string;
  /** Events the message held, when it was a batch. */
  events?: number;
  /** How many of them were refused, by code (event-level letters). */
  rejected?: Partial<Record<DeadLetterCode, number>>;
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
  /** Messages larger than this are refused unread (the schema's MAX_MESSAGE_BYTES by default). */
  maxMessageBytes?: number;
  /** Events older than this are refused: InfluxDB drops points beyond the raw retention policy. */
  maxPastMs?: number;
}

export interface Decoded {
  events: ValidEvent[];
  dead: DeadLetter[];
}

/** Rows checked between two chances to yield: small enough to stay well inside a time slice. */
export const ROWS_PER_STEP = 64;

/**
 * Messages longer than this are parsed in pieces of about PARSE_PIECE_CHARS, with chances to
 * yield between them (sliced-json.ts): one JSON.parse of a 1 MiB batch held /healthz for 50-200
 * ms on a loaded machine. Taking a text apart costs about as much again as parsing it, so the
 * agents' batches (256 events, about 31 KB; 2,000 events fit under this) are parsed whole: about
 * 1.5 ms on an idle core.
 */
export const SLICED_PARSE_CHARS = 256 * 1024;
export const PARSE_PIECE_CHARS = 64 * 1024;

export function decodeMessage(data: Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number): Decoded {
  const steps = decodeSteps(data, origin, limits, nowMs);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * The same, yielding to the event loop whenever `slice` is spent between ROWS_PER_STEP rows: a
 * batch of thousands of events (each checked by the schema, bad ones the slowest) would otherwise
 * hold /healthz and the API for the whole message, 50-200 ms on a loaded machine.
 */
export async function decodeMessageSliced(data: Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number, slice: TimeSlice): Promise<Decoded> {
  const steps = decodeSteps(data, origin, limits, nowMs);
  let step = steps.next();
  while (!step.done) {
    if (slice.due) await slice.next();
    step = steps.next();
  }
  return step.value;
}

/** The decoding, pausing (yield) after every ROWS_PER_STEP rows; the result is its return value. */
function* decodeSteps(data: Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number): Generator<void, Decoded> {
  const letter = (code: DeadLetterCode, reason: string, where: Origin, payload: string): DeadLetter => ({
    v: 1,
    code,
    reason,
    origin: where,
    payload: payload.slice(0, limits.maxPayloadChars),
  });
  const maxBytes = limits.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  if (data.length > maxBytes) {
    const head = decoder.decode(data.subarray(0, limits.maxPayloadChars));
    return { events: [], dead: [letter('too_large', `${data.length} bytes, more than ${maxBytes}`, origin, head)] };
  }
  const cbor = isCbor(data);
  const text = cbor ? '' : decoder.decode(data);
  // A letter quotes a CBOR message as base64 (binary does not go in a string), cut like a text.
  const quote = cbor ? () => `base64:${Buffer.from(data.subarray(0, limits.maxPayloadChars)).toString('base64')}` : () => text;
  if (cbor && data.length > MAX_CBOR_BYTES)
    return { events: [], dead: [letter('too_large', `${data.length} bytes of CBOR, more than ${MAX_CBOR_BYTES}; larger batches go as JSON`, origin, quote())] };
  if (!cbor && data.length > NESTING_CHECK_BYTES && !nestedAtMost(data, MAX_JSON_DEPTH))
    return { events: [], dead: [letter('bad_batch', `nested deeper than ${MAX_JSON_DEPTH} levels`, origin, text)] };
  try {
    return yield* decodeBatch(cbor ? data : text, origin, limits, nowMs, letter, quote);
  } catch (e) {
    // Whatever throws on one message (a RangeError from nesting too deep, say) is that message's
    // fault: it becomes its letter instead of escaping and coming back for ever.
    return { events: [], dead: [letter('poison', `${(e as Error).name}: ${(e as Error).message}`, origin, quote())] };
  }
}

type MakeLetter = (code: DeadLetterCode, reason: string, where: Origin, payload: string) => DeadLetter;

/** The batch in a message: CBOR bytes or JSON text; `quote` is the message as a letter shows it. */
function* decodeBatch(body: string | Uint8Array, origin: Origin, limits: DecodeLimits, nowMs: number, letter: MakeLetter, quote: () => string): Generator<void, Decoded> {
  let parsed: unknown;
  if (typeof body !== 'string') {
    try {
      parsed = decodeCborBatch(body);
    } catch (e) {
      // A stack overflow from nesting too deep is not a decoding error of the bytes: it is poison.
      if (e instanceof RangeError) throw e;
      return { events: [], dead: [letter('not_cbor', (e as Error).message, origin, quote())] };
    }
  } else {
    try {
      parsed = body.length > SLICED_PARSE_CHARS ? yield* parseJsonSliced(body, PARSE_PIECE_CHARS) : JSON.parse(body);
    } catch (e) {
      return { events: [], dead: [letter('not_json', (e as Error).message, origin, quote())] };
    }
  }
  const batch = batchOf(parsed);
  if (!batch.ok) return { events: [], dead: [letter('bad_batch', batch.reason, origin, quote())] };
  const from = { ...origin, agent_id: batch.agent_id, batch_seq: batch.seq };
  const subjectAgent = agentOfSubject(origin.subject);
  if (subjectAgent !== undefined && subjectAgent !== batch.agent_id) {
    const reason = `subject names agent "${subjectAgent}", the batch "${batch.agent_id}"`;
    return { events: [], dead: [{ ...letter('agent_mismatch', reason, from, quote()), events: batch.n }] };
  }
  const oldestMs = limits.maxPastMs === undefined ? Number.NEGATIVE_INFINITY : nowMs - limits.maxPastMs;
  const events: ValidEvent[] = [];
  const refused = new Refusals();
  for (let index = 0; index < batch.n; index++) {
    if (index % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const raw = batch.row(index);
    const checked: Validation<InferenceEvent> = batch.plain(index, raw) ? { ok: true, value: raw as InferenceEvent } : checkEvent(raw);
    if (!checked.ok) {
      refused.add('bad_event', index, checked.reason);
      continue;
    }
    const ts = checked.value.ts_ns;
    if (ts.length === 19 && ts > MAX_TS_NS) {
      refused.add('ts_out_of_range', index, `ts_ns ${ts} is past int64 nanoseconds`);
      continue;
    }
    const tsMs = eventTimeMs(ts);
    if (tsMs > nowMs + limits.maxFutureMs) {
      refused.add('ts_in_future', index, `ts_ns is ${Math.round((tsMs - nowMs) / 1000)} s ahead of the collector clock`);
      continue;
    }
    if (tsMs < oldestMs) {
      refused.add('ts_out_of_range', index, `ts_ns is ${Math.round((nowMs - tsMs) / 3_600_000)} h old, before what the raw retention keeps`);
      continue;
    }
    events.push({ event: checked.value, tsMs });
  }
  if (refused.count === 0) return { events, dead: [] };
  const first = refused.first!;
  const reason = `${refused.count} of ${batch.n} events refused; event ${first.index}: ${first.reason}`;
  const dead = { ...letter(first.code, reason, { ...from, index: first.index }, quote()), events: batch.n, rejected: refused.byCode };
  return { events, dead: [dead] };
}

/** The refused events of one batch: how many by code, and the first one to say why. */
class Refusals {
  count = 0;
  first: { code: DeadLetterCode; index: number; reason: string } | undefined;
  readonly byCode: Partial<Record<DeadLetterCode, number>> = {};

  add(code: DeadLetterCode, index: number, reason: string): void {
    this.count++;
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    this.first ??= { code, index, reason };
  }
}

/**
 * Messages above this are checked for nesting before JSON.parse. The check costs about half a
 * parse, so the agents' usual batches (256 events, about 26 KB) skip it: nested as deep as it can
 * be, a message this size costs JSON.parse a few ms; 200,000 levels (400 KB) cost it 130 ms.
 */
export const NESTING_CHECK_BYTES = 64 * 1024;

/**
 * True when arrays and objects nest at most `max` deep (brackets inside strings do not count).
 * One pass over the bytes, about 1 ms a MB: far cheaper than what JSON.parse spends on depth.
 */
export function nestedAtMost(data: Uint8Array, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < data.length && data[i] !== 0x22; i++) if (data[i] === 0x5c) i++;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return false;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return true;
}

/** `starwatch.v1.events.<agent>` -> the agent; undefined for other subjects. */
function agentOfSubject(subject: string): string | undefined {
  const prefix = `${EVENTS_SUBJECT_PREFIX}.`;
  return subject.startsWith(prefix) ? subject.slice(prefix.length) : undefined;
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

/** The batch behind a parsed message, v1 to v4, as rows to check one by one. */
function batchOf(parsed: unknown): Rows | { ok: false; reason: string } {
  const v = (parsed as { v?: unknown } | null)?.v;
  if (v === 3 || v === 4) {
    const expanded = expandColumns(parsed);
    if (!expanded.ok) return expanded;
    parsed = expanded.value;
  }
  if (v === 2 || v === 3 || v === 4) {
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
