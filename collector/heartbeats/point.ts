// An agent heartbeat (schemas/heartbeat.ts) as the `agent` point the Agents board reads.
import type { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { msToNs, type Point } from '../sinks/point.ts';

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
