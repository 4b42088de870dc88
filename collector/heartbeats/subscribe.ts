// Listens on starwatch.v1.heartbeat.> (core NATS) and writes each valid heartbeat as an `agent`
// point through the collector's sink. Invalid ones are counted and logged, never stored: a
// heartbeat is only a status sample, the next one replaces it, so there is no dead letter.
// Replicas share a queue group, so each heartbeat is written once.
import type { NatsConnection, Subscription } from 'nats';
import { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { HEARTBEAT_SUBJECT_PREFIX } from '../../schemas/subjects.ts';
import { validator } from '../../schemas/validate.ts';
import type { Logger } from '../log.ts';
import type { CollectorMetrics } from '../metrics.ts';
import type { PointSink } from '../sinks/sink.ts';
import { heartbeatPoint } from './point.ts';

const checkHeartbeat = validator(AgentHeartbeat);

export interface HeartbeatDeps {
  nc: NatsConnection;
  /** Queue group shared by the replicas. */
  queue: string;
  sink: Pick<PointSink, 'write'>;
  metrics: Pick<CollectorMetrics, 'heartbeats'>;
  log: Logger;
  maxPayloadChars: number;
}

export function subscribeHeartbeats(d: HeartbeatDeps): Subscription {
  return d.nc.subscribe(`${HEARTBEAT_SUBJECT_PREFIX}.>`, {
    queue: d.queue,
    callback: (error, msg) => {
      if (error) {
        d.log.warn('heartbeat_subscription_failed', { error: error.message });
        return;
      }
      const checked = decode(msg.data, d.maxPayloadChars);
      if (checked.ok) {
        d.sink.write([heartbeatPoint(checked.value)]);
        d.metrics.heartbeats.inc({ outcome: 'valid' });
        return;
      }
      d.metrics.heartbeats.inc({ outcome: 'invalid' });
      d.log.warn('heartbeat_invalid', { subject: msg.subject, reason: checked.reason });
    },
  });
}

function decode(data: Uint8Array, maxChars: number): { ok: true; value: AgentHeartbeat } | { ok: false; reason: string } {
  if (data.length > maxChars) return { ok: false, reason: `payload of ${data.length} bytes is over ${maxChars}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  return checkHeartbeat(parsed);
}
