// JetStream stops delivering a message after max_deliver attempts and says so in an advisory,
// not to the consumer: the message is still in the stream but nobody will read it again. This
// turns each such advisory into a dead letter (the message's head as payload), so a message that
// made collectors crash or stall is recorded instead of silently skipped.
import type { JetStreamManager, NatsConnection, Subscription } from 'nats';
import type { DeadLetter } from './decode.ts';

const PAYLOAD_CHARS = 4096;

export interface MaxDeliveriesOptions {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
  durable: string;
  onPoison(letter: DeadLetter): void;
}

export function watchMaxDeliveries(o: MaxDeliveriesOptions): Subscription {
  const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${o.stream}.${o.durable}`;
  return o.nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      let advisory: { stream_seq?: number; deliveries?: number };
      try {
        advisory = msg.json();
      } catch {
        return;
      }
      const seq = advisory.stream_seq;
      if (typeof seq !== 'number') return;
      void o.jsm.streams
        .getMessage(o.stream, { seq })
        .then((m) => ({ subject: m.subject, payload: new TextDecoder().decode(m.data.subarray(0, PAYLOAD_CHARS)) }))
        .catch(() => ({ subject: o.stream, payload: '' }))
        .then(({ subject: origin, payload }) =>
          o.onPoison({
            v: 1,
            code: 'poison',
            reason: `delivered ${advisory.deliveries ?? '?'} times without an ack (max_deliver)`,
            origin: { subject: origin, stream_seq: seq },
            payload,
          }),
        );
    },
  });
}
