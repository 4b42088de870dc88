// NATS subjects and stream names. Versioned, so a v2 contract can run beside v1.
import { MAX_MESSAGE_BYTES } from './inference-event.ts';

export const EVENTS_STREAM = 'STARWATCH_EVENTS';
export const EVENTS_SUBJECT_PREFIX = 'starwatch.v1.events';
export const HEARTBEAT_SUBJECT_PREFIX = 'starwatch.v1.heartbeat';
export const DEAD_LETTER_SUBJECT = 'starwatch.v1.deadletter';
export const ALERTS_SUBJECT = 'starwatch.v1.alerts';
/** A running canary broke a gate rule: roll it back (collector/rollout/watch.ts). */
/** Models an agent has loaded (schemas/model-announce.ts), per agent: starwatch.v1.models.<agent>. */
export const MODELS_SUBJECT_PREFIX = 'starwatch.v1.models';
/** Late labels for stored events (collector/labels). */
export const LABELS_SUBJECT = 'starwatch.v1.labels';
export const ROLLBACK_SUBJECT = 'starwatch.v1.rollout.rollback';
/** Core NATS (not JetStream): `starwatch validate --publish` sends one validation summary point per message. */
export const VALIDATION_SUBJECT = 'starwatch.v1.validation';

export const eventsSubject = (agentId: string): string => `${EVENTS_SUBJECT_PREFIX}.${agentId}`;
export const heartbeatSubject = (agentId: string): string =>
  `${HEARTBEAT_SUBJECT_PREFIX}.${agentId}`;

/**
 * Default bounds of the events stream. Age: the raw retention policy (7d), since InfluxDB refuses
 * older points anyway. Bytes: 8 GiB of file storage, days of a busy fleet's events (a 256-event
 * batch is about 40 KB). Per message: the schema's MAX_MESSAGE_BYTES. A full stream refuses new
 * messages (discard "new"), so publishers are told and nothing unread is silently dropped.
 */
export const EVENTS_STREAM_LIMITS = { maxAgeMs: 7 * 86_400_000, maxBytes: 8 * 1024 ** 3, maxMsgSize: MAX_MESSAGE_BYTES };
