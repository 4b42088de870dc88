// The JetStream objects the collector relies on: the events stream, the dead-letter stream and
// the durable pull consumer. Created when missing. The events stream gets its bounds (age, bytes,
// message size; full = refuse new) when it has none, as the agent made it before it had bounds;
// a stream whose owner gave it bounds keeps them.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';
import { DEAD_LETTER_SUBJECT, EVENTS_SUBJECT_PREFIX } from '../../schemas/subjects.ts';

export interface StreamSettings {
  stream: string;
  deadLetterStream: string;
  durable: string;
  ackWaitMs: number;
  maxAckPending: number;
  /** Deliveries of one message at most; then JetStream stops and says so (max_deliveries advisory). */
  maxDeliver?: number;
  /** Bounds of the events stream (schemas/subjects.ts EVENTS_STREAM_LIMITS by default). */
  maxAgeMs?: number;
  maxBytes?: number;
  maxMsgSize?: number;
}

export const EVENTS_FILTER = `${EVENTS_SUBJECT_PREFIX}.>`;
/** Enough for a few clean restarts (each hands held messages back) and never for ever. */
export const DEFAULT_MAX_DELIVER = 10;

export async function ensureStreams(jsm: JetStreamManager, s: StreamSettings): Promise<void> {
  const bounds: Partial<StreamConfig> = {
    max_age: s.maxAgeMs ? nanos(s.maxAgeMs) : 0,
    max_bytes: s.maxBytes ?? -1,
    max_msg_size: s.maxMsgSize ?? -1,
    discard: DiscardPolicy.New,
  };
  const events = await ensureStream(jsm, s.stream, EVENTS_FILTER, {
    // Publishers send Nats-Msg-Id = agent:seq, so a batch sent twice is stored once.
    duplicate_window: nanos(2 * 60_000),
    ...bounds,
  });
  if (events && events.max_bytes === -1 && events.max_age === 0 && events.max_msgs === -1 && (bounds.max_bytes !== -1 || bounds.max_age !== 0))
    await jsm.streams.update(s.stream, { ...events, ...bounds });
  await ensureStream(jsm, s.deadLetterStream, DEAD_LETTER_SUBJECT, { max_age: nanos(30 * 86_400_000), duplicate_window: nanos(2 * 60_000) });
  await ensureConsumer(jsm, s);
}

/** The existing stream's config, or undefined when it was created here. */
async function ensureStream(jsm: JetStreamManager, name: string, subject: string, extra: Partial<StreamConfig>): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File, ...extra });
    } catch (addError) {
      // Another replica (or the agent) may have created it between the two calls.
      if (!/already in use|already exists/i.test((addError as Error).message)) throw addError;
    }
    return undefined;
  }
}

async function ensureConsumer(jsm: JetStreamManager, s: StreamSettings): Promise<void> {
  const wanted = {
    durable_name: s.durable,
    filter_subject: EVENTS_FILTER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(s.ackWaitMs),
    max_ack_pending: s.maxAckPending,
    max_deliver: s.maxDeliver ?? DEFAULT_MAX_DELIVER,
  };
  try {
    const info = await jsm.consumers.info(s.stream, s.durable);
    const c = info.config;
    if (c.ack_wait !== wanted.ack_wait || c.max_ack_pending !== wanted.max_ack_pending || c.max_deliver !== wanted.max_deliver)
      await jsm.consumers.update(s.stream, s.durable, {
        ack_wait: wanted.ack_wait,
        max_ack_pending: wanted.max_ack_pending,
        max_deliver: wanted.max_deliver,
      });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(s.stream, wanted);
  }
}

const isNotFound = (e: unknown): boolean => /not found/i.test((e as Error).message ?? '');
