// NATS subjects and stream names. Versioned, so a v2 contract can run beside v1.

export const EVENTS_STREAM = 'STARWATCH_EVENTS';
export const EVENTS_SUBJECT_PREFIX = 'starwatch.v1.events';
export const HEARTBEAT_SUBJECT_PREFIX = 'starwatch.v1.heartbeat';
export const DEAD_LETTER_SUBJECT = 'starwatch.v1.deadletter';
export const ALERTS_SUBJECT = 'starwatch.v1.alerts';
/** Core NATS (not JetStream): `starwatch validate --publish` sends one validation summary point per message. */
export const VALIDATION_SUBJECT = 'starwatch.v1.validation';

export const eventsSubject = (agentId: string): string => `${EVENTS_SUBJECT_PREFIX}.${agentId}`;
export const heartbeatSubject = (agentId: string): string =>
  `${HEARTBEAT_SUBJECT_PREFIX}.${agentId}`;
