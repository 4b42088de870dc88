// POST /metrics/log: one InferenceEvent over HTTP, for clients that cannot run the agent. Fastify
// checks it against the v1 contract (the route's body schema, validation.ts) and its rate
// (@fastify/rate-limit, server.ts); it is published to JetStream like an agent's batch of one.
import { JSONCodec } from 'nats';
import type { EventBatch, InferenceEvent } from '../../schemas/inference-event.ts';
import { eventsSubject } from '../../schemas/subjects.ts';
import { ApiError } from './http.ts';
import type { Reply, RouteContext } from './route.ts';

const codec = JSONCodec<EventBatch>();

// Batches from HTTP need a seq that increases; starting from the clock keeps it increasing across
// restarts. The JetStream msgID (agent + event id) is what makes a retried POST harmless.
let seq = Date.now();

export async function logEvent(ctx: RouteContext<unknown, InferenceEvent>): Promise<Reply> {
  const { limits, nats } = ctx.deps;
  const event = ctx.body;
  const batch: EventBatch = { v: 1, agent_id: event.agent_id, seq: seq++, events: [event] };
  const ack = await nats
    .jetstream()
    .publish(eventsSubject(event.agent_id), codec.encode(batch), {
      msgID: `http-${event.agent_id}-${event.event_id}`,
      timeout: limits.publishTimeoutMs,
    })
    .catch((e: Error) => {
      throw new ApiError(503, 'nats_unavailable', `could not publish to JetStream: ${e.message}`);
    });
  return {
    status: 202,
    body: { accepted: true, event_id: event.event_id, stream: ack.stream, stream_seq: ack.seq, duplicate: ack.duplicate },
  };
}
