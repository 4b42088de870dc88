// The subjects beside the event stream: validation summaries, late labels, model announcements
// and agent heartbeats. Each is a core-NATS queue subscription (one replica takes each message)
// that writes through the sink; they start and stop together.
import type { NatsConnection } from 'nats';
import type { CollectorConfig } from './config.ts';
import type { DeadLetterPublisher } from './consume/dead-letters.ts';
import { MERGED_REPLICA } from './cluster/minute-merger.ts';
import { subscribeHeartbeats } from './heartbeats/subscribe.ts';
import { LateLabelApplier } from './labels/apply.ts';
import { settleMsOf } from './labels/settings.ts';
import { subscribeLabels } from './labels/subscribe.ts';
import type { Logger } from './log.ts';
import type { CollectorMetrics } from './metrics.ts';
import { subscribeModels } from './registry/subscribe.ts';
import type { InfluxQL } from './sinks/influxql.ts';
import type { PointSink } from './sinks/sink.ts';
import { subscribeValidation } from './validation/subscribe.ts';

export interface SideSubjectDeps {
  config: Pick<CollectorConfig, 'nats' | 'influx' | 'cluster' | 'replica' | 'labels' | 'windows' | 'rollout'>;
  ackWaitMs: number;
  nc: NatsConnection;
  sink: PointSink;
  deadLetters: Pick<DeadLetterPublisher, 'publish'>;
  metrics: CollectorMetrics;
  influxQL: Pick<InfluxQL, 'query'>;
  log: Logger;
  /** Dead-letter payloads are cut to this many characters. */
  maxPayloadChars: number;
}

export function subscribeSideSubjects(d: SideSubjectDeps): { stop(): void } {
  const { config, nc, sink, metrics, log } = d;
  const queue = config.nats.durable;
  const validation = subscribeValidation({ nc, queue, sink, deadLetters: d.deadLetters, metrics, log, maxPayloadChars: d.maxPayloadChars });
  const lateLabels = subscribeLabels({ nc, queue, registry: metrics.registry, log, applier: lateLabelApplier(d) });
  const models = subscribeModels({ nc, queue, sink, registry: metrics.registry, log });
  const heartbeats = subscribeHeartbeats({ nc, queue, sink, metrics, log, maxPayloadChars: d.maxPayloadChars });
  return {
    stop() {
      validation.unsubscribe();
      heartbeats.unsubscribe();
      lateLabels.stop();
      models.stop();
    },
  };
}

// In replica mode labels rewrite the merged windows, the ones the boards read.
function lateLabelApplier(d: SideSubjectDeps): LateLabelApplier {
  const { config, log } = d;
  return new LateLabelApplier({
    query: (q) => d.influxQL.query(q),
    sink: d.sink,
    rpRaw: config.influx.rpRaw,
    replica: config.cluster.enabled ? MERGED_REPLICA : config.replica,
    settleMs: settleMsOf(config, d.ackWaitMs),
    rolloutWindowMs: config.rollout.windowMs,
    onSettled: (minute, windows, error) => {
      const at = new Date(minute).toISOString();
      if (error) log.warn('late_labels_settle_failed', { minute: at, error: error.message });
      else log.debug('late_labels_settled', { minute: at, windows });
    },
  });
}
