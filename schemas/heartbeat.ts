// AgentHeartbeat v1: the agent's own health, sent on a timer.
import { Type, type Static } from '@sinclair/typebox';

export const AgentHeartbeat = Type.Object(
  {
    v: Type.Literal(1),
    agent_id: Type.String({ minLength: 1, maxLength: 64 }),
    ts_ms: Type.Integer({ minimum: 0 }),
    uptime_s: Type.Number({ minimum: 0 }),
    model_loaded: Type.Boolean(),
    model_version: Type.Union([Type.String(), Type.Null()]),
    queue_depth: Type.Integer({ minimum: 0 }),
    queue_capacity: Type.Integer({ minimum: 0 }),
    events_sent: Type.Integer({ minimum: 0 }),
    events_dropped: Type.Integer({ minimum: 0 }),
    nats_connected: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AgentHeartbeat = Static<typeof AgentHeartbeat>;
