// An agent heartbeat (schemas/heartbeat.ts) as the `agent` point the Agents board reads. The model
// version is a tag (few values per agent), so a deploy or a model change is where a new
// (agent, model_version) series begins: the boards draw those as annotations.
import type { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { msToNs, type Point } from '../sinks/point.ts';

/** The tag of an agent with no model loaded (proxy agents, or before the first load). */
export const NO_MODEL = 'none';

export function heartbeatPoint(h: AgentHeartbeat): Point {
  return {
    measurement: MEASUREMENTS.agent,
    tags: { agent: h.agent_id, model_version: h.model_version ?? NO_MODEL },
    fields: {
      queue_depth: h.queue_depth,
      queue_capacity: h.queue_capacity,
      ...(h.queue_capacity > 0 ? { queue_fill: h.queue_depth / h.queue_capacity } : {}),
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
