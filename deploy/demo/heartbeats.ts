// Agents' heartbeats (core NATS, schemas/heartbeat.ts) stored as `agent` points, which the Agents
// board reads. Invalid ones are counted and logged, never stored.
// The collector's own main does not record heartbeats yet; this belongs in collector/ once it does.
import type { NatsConnection } from 'nats';
import { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { HEARTBEAT_SUBJECT_PREFIX } from '../../schemas/subjects.ts';
import { validator } from '../../schemas/validate.ts';
import type { Logger } from '../../collector/log.ts';
import { msToNs, type Point } from '../../collector/sinks/point.ts';
import type { PointSink } from '../../collector/sinks/sink.ts';

const checkHeartbeat = validator(AgentHeartbeat);

export function heartbeatPoint(h: AgentHeartbeat): Point {
  return {
    measurement: MEASUREMENTS.agent,
    tags: { agent: h.agent_id },
    fields: {
      queue_depth: h.queue_depth,
      events_sent: h.events_sent,
      events_dropped: h.events_dropped,
      uptime_s: h.uptime_s,
      model_loaded: h.model_loaded,
      nats_connected: h.nats_connected,
    },
    timestampNs: msToNs(h.ts_ms),
    originMs: h.ts_ms,
  };
}

export function recordHeartbeats(nc: NatsConnection, sink: PointSink, log: Logger): { invalid(): number; stop(): Promise<void> } {
  let invalid = 0;
  const sub = nc.subscribe(`${HEARTBEAT_SUBJECT_PREFIX}.>`);
  const done = (async () => {
    for await (const msg of sub) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(msg.data));
      } catch {
        parsed = undefined;
      }
      const checked = checkHeartbeat(parsed);
      if (!checked.ok) {
        invalid++;
        log.warn('heartbeat_invalid', { subject: msg.subject, reason: parsed === undefined ? 'not JSON' : checked.reason });
        continue;
      }
      sink.write([heartbeatPoint(checked.value)]);
    }
  })();
  return {
    invalid: () => invalid,
    async stop() {
      sub.unsubscribe();
      await done;
    },
  };
}
