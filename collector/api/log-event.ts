// POST /metrics/log: one InferenceEvent over HTTP, for clients that cannot run the agent. It is
// checked against the v1 contract and published to JetStream like an agent's batch of one.
import { JSONCodec } from 'nats';
import { EventBatch, InferenceEvent } from '../../schemas/inference-event.ts';
import { eventsSubject } from '../../schemas/subjects.ts';
import { validator } from '../../schemas/validate.ts';
import { ApiError, readBody } from './http.ts';
import { TokenBucket } from './rate-limit.ts';
import type { Reply, RouteContext } from './route.ts';

const checkEvent = validator(InferenceEvent);
const codec = JSONCodec<EventBatch>();
const buckets = new WeakMap<object, TokenBucket>();

// Batches from HTTP need a seq that increases; starting from the clock keeps it increasing across
// restarts. The JetStream msgID (agent + event id) is what makes a retried POST harmless.
let seq = Date.now();

export async function logEvent(ctx: RouteContext): Promise<Reply> {
  const { limits, nats } = ctx.deps;
  let bucket = buckets.get(ctx.deps);
  if (!bucket) buckets.set(ctx.deps, (bucket = new TokenBucket(limits.logRatePerSec, limits.logBurst)));
  if (!bucket.take()) {
    throw new ApiError(429, 'rate_limited', `over ${limits.logRatePerSec} events/s`, [], {
      'retry-after': String(bucket.waitSeconds()),
    });
  }
  const body = await readBody(ctx.req, limits.maxBodyBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ApiError(400, 'bad_json', 'the body is not JSON', [(e as Error).message]);
  }
  const check = checkEvent(parsed);
  if (!check.ok) throw new ApiError(400, 'invalid_event', 'not a v1 InferenceEvent', [check.reason]);
  const event = check.value;
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
