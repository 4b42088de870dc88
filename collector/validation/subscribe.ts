// Listens on VALIDATION_SUBJECT (core NATS) and writes each valid summary as a `validation` point
// through the collector's sink; anything else is counted and dead-lettered like a bad event.
// Replicas share a queue group, so each summary is written once.
import type { NatsConnection, Subscription } from 'nats';
import { VALIDATION_SUBJECT } from '../../schemas/subjects.ts';
import type { DeadLetterPublisher } from '../consume/dead-letters.ts';
import type { Logger } from '../log.ts';
import type { CollectorMetrics } from '../metrics.ts';
import type { PointSink } from '../sinks/sink.ts';
import { decodeValidation } from './decode.ts';

export interface ValidationDeps {
  nc: NatsConnection;
  /** Queue group shared by the replicas. */
  queue: string;
  sink: Pick<PointSink, 'write'>;
  deadLetters: Pick<DeadLetterPublisher, 'publish'>;
  metrics: Pick<CollectorMetrics, 'validationPoints' | 'deadLetters'>;
  log: Logger;
  maxPayloadChars: number;
}

export function subscribeValidation(d: ValidationDeps): Subscription {
  return d.nc.subscribe(VALIDATION_SUBJECT, {
    queue: d.queue,
    callback: (error, msg) => {
      if (error) {
        d.log.warn('validation_subscription_failed', { error: error.message });
        return;
      }
      const decoded = decodeValidation(msg.data, msg.subject, d.maxPayloadChars);
      if ('point' in decoded) {
        d.sink.write([decoded.point]);
        d.metrics.validationPoints.inc({ outcome: 'valid' });
        return;
      }
      const letter = decoded.dead;
      d.metrics.validationPoints.inc({ outcome: 'invalid' });
      d.metrics.deadLetters.inc({ code: letter.code });
      d.log.warn('dead_letter', { code: letter.code, reason: letter.reason, origin: letter.origin });
      // Nothing to ack on core NATS: the publisher retries on its own until stopped.
      d.deadLetters.publish(letter).catch(() => undefined);
    },
  });
}
