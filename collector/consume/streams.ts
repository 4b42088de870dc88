// The JetStream objects the collector relies on: the events stream, the dead-letter stream and
// the durable pull consumer. Created when missing; an existing stream is left as its owner made it.
import {
  AckPolicy,
  DeliverPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
} from 'nats';
import { DEAD_LETTER_SUBJECT, EVENTS_SUBJECT_PREFIX } from '../../schemas/subjects.ts';

export interface StreamSettings {
  stream: string;
  deadLetterStream: string;
  durable: string;
  ackWaitMs: number;
  maxAckPending: number;
}

export const EVENTS_FILTER = `${EVENTS_SUBJECT_PREFIX}.>`;

export async function ensureStreams(jsm: JetStreamManager, s: StreamSettings): Promise<void> {
  await ensureStream(jsm, s.stream, EVENTS_FILTER, {
    // Publishers send Nats-Msg-Id = agent:seq, so a batch sent twice is stored once.
    duplicate_window: nanos(2 * 60_000),
  });
  await ensureStream(jsm, s.deadLetterStream, DEAD_LETTER_SUBJECT, { max_age: nanos(30 * 86_400_000) });
  await ensureConsumer(jsm, s);
}

async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subject: string,
  extra: { duplicate_window?: number; max_age?: number },
): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File, ...extra });
    } catch (addError) {
      // Another replica (or the agent) may have created it between the two calls.
      if (!/already in use|already exists/i.test((addError as Error).message)) throw addError;
    }
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
    max_deliver: -1,
  };
  try {
    const info = await jsm.consumers.info(s.stream, s.durable);
    if (info.config.ack_wait !== wanted.ack_wait || info.config.max_ack_pending !== wanted.max_ack_pending)
      await jsm.consumers.update(s.stream, s.durable, {
        ack_wait: wanted.ack_wait,
        max_ack_pending: wanted.max_ack_pending,
      });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(s.stream, wanted);
  }
}

const isNotFound = (e: unknown): boolean => /not found/i.test((e as Error).message ?? '');
