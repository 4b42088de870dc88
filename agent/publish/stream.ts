// The events stream: created on start when missing (and when the agent is allowed to), on
// file storage, with a duplicate window so retried batches (same Nats-Msg-Id) are kept once,
// and bounded (age, bytes, message size; full = refuse new, so publishers are told).
import { DiscardPolicy, nanos, StorageType, type JetStreamManager } from 'nats';
import { EVENTS_STREAM, EVENTS_STREAM_LIMITS, EVENTS_SUBJECT_PREFIX } from '../../schemas/subjects.ts';

export const DUPLICATE_WINDOW_MS = 2 * 60_000;

/** Returns true if the stream was created, false if it was there already. */
export async function ensureEventsStream(jsm: JetStreamManager): Promise<boolean> {
  try {
    await jsm.streams.info(EVENTS_STREAM);
    return false;
  } catch (e) {
    if (!/not found/i.test((e as Error).message)) throw e;
  }
  await jsm.streams.add({
    name: EVENTS_STREAM,
    subjects: [`${EVENTS_SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(EVENTS_STREAM_LIMITS.maxAgeMs),
    max_bytes: EVENTS_STREAM_LIMITS.maxBytes,
    max_msg_size: EVENTS_STREAM_LIMITS.maxMsgSize,
    discard: DiscardPolicy.New,
  });
  return true;
}
