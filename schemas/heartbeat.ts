// AgentHeartbeat v1: the agent's own health, sent on a timer.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_INTEGER } from './inference-event.ts';

/** ts_ms becomes an int64 ns timestamp in InfluxDB: at most 2^63 - 1 ns (2262-04-11). */
export const MAX_TS_MS = 9_223_372_036_854;

export const AgentHeartbeat = Type.Object(
  {
    v: Type.Literal(1),
    agent_id: Type.String({ minLength: 1, maxLength: 64 }),
    ts_ms: Type.Integer({ minimum: 0, maximum: MAX_TS_MS }),
    uptime_s: Type.Number({ minimum: 0, maximum: MAX_INTEGER }),
    model_loaded: Type.Boolean(),
    model_version: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    queue_depth: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    queue_capacity: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    events_sent: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    events_dropped: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
    nats_connected: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type AgentHeartbeat = Static<typeof AgentHeartbeat>;
