// The collector's own Prometheus metrics (prom-client, one registry per collector so several
// can live in one process, as in tests and the demo).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface CollectorMetrics {
  registry: Registry;
  messages: Counter<'outcome'>;
  events: Counter<'outcome'>;
  deadLetters: Counter<'code'>;
  acked: Counter;
  redeliveredWhileHeld: Counter;
  redeliveredAfterAck: Counter;
  windowsClosed: Counter<'granularity'>;
  windowsRewritten: Counter;
  pendingAcks: Gauge;
  consumerLag: Gauge;
  sinkBacklog: Gauge;
  paused: Gauge;
  validationPoints: Counter<'outcome'>;
  heartbeats: Counter<'outcome'>;
  terminated: Counter;
  maxDeliveries: Counter;
  streamUsage: Gauge;
}

export function createMetrics(collect: {
  pointsAccepted: () => number;
  writeErrors: () => number;
  pointsRejected: () => number;
  delayP99Ms: () => number;
  deadLettersLost?: () => number;
}): CollectorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'starwatch_collector_' });
  const p = 'starwatch_collector_';
  const registers = [registry];
  const m: CollectorMetrics = {
    registry,
    messages: new Counter({ name: `${p}messages_total`, help: 'JetStream messages consumed, by outcome', labelNames: ['outcome'], registers }),
    events: new Counter({ name: `${p}events_total`, help: 'Events seen, by outcome (valid, invalid, late)', labelNames: ['outcome'], registers }),
    deadLetters: new Counter({ name: `${p}dead_letters_total`, help: 'Dead letters published, by reason code', labelNames: ['code'], registers }),
    acked: new Counter({ name: `${p}acked_total`, help: 'Messages acknowledged to JetStream', registers }),
    redeliveredWhileHeld: new Counter({ name: `${p}redelivered_while_held_total`, help: 'Redeliveries of messages still held (ignored)', registers }),
    redeliveredAfterAck: new Counter({ name: `${p}redelivered_after_ack_total`, help: 'Redeliveries of messages acked moments before, sent before the ack landed (acked again, ignored)', registers }),
    windowsRewritten: new Counter({ name: `${p}windows_rewritten_total`, help: 'Closed 1 min window results written again with late events merged in', registers }),
    windowsClosed: new Counter({ name: `${p}windows_closed_total`, help: 'Window results closed, by granularity', labelNames: ['granularity'], registers }),
    pendingAcks: new Gauge({ name: `${p}pending_acks`, help: 'Messages held until their windows are written', registers }),
    consumerLag: new Gauge({ name: `${p}consumer_lag`, help: 'Messages in the stream not yet delivered to the consumer', registers }),
    sinkBacklog: new Gauge({ name: `${p}sink_backlog_points`, help: 'Points waiting to be accepted by InfluxDB', registers }),
    paused: new Gauge({ name: `${p}pull_paused`, help: '1 while pulling is paused by flow control', registers }),
    validationPoints: new Counter({ name: `${p}validation_points_total`, help: 'Validation summary points received, by outcome (valid, invalid)', labelNames: ['outcome'], registers }),
    heartbeats: new Counter({ name: `${p}heartbeats_total`, help: 'Agent heartbeats received, by outcome (valid, invalid)', labelNames: ['outcome'], registers }),
    terminated: new Counter({ name: `${p}messages_terminated_total`, help: 'Messages with nothing valid, terminated (+TERM) once dead-lettered', registers }),
    maxDeliveries: new Counter({ name: `${p}max_deliveries_total`, help: 'Messages JetStream stopped delivering after max_deliver attempts (dead-lettered)', registers }),
    streamUsage: new Gauge({ name: `${p}stream_usage_ratio`, help: 'Fullness of the events stream: the larger of bytes/max_bytes and messages/max_msgs', registers }),
  };
  const live = (name: string, help: string, read: () => number) =>
    new Gauge({ name: `${p}${name}`, help, registers, collect() { this.set(read()); } });
  live('points_written_total', 'Points InfluxDB accepted', collect.pointsAccepted);
  live('write_errors_total', 'Failed write attempts (each retried)', collect.writeErrors);
  live('points_rejected_total', 'Points InfluxDB refused as malformed', collect.pointsRejected);
  live('dead_letters_lost_total', 'Dead letters given up on after their bounded retries', collect.deadLettersLost ?? (() => 0));
  live('event_delay_p99_ms', 'p99 of event time to raw point accepted, since start (ms)', collect.delayP99Ms);
  return m;
}
