// EventBatch -> bytes for one JetStream message. Built as a string so that every event is
// serialised once, with no intermediate batch object.
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { eventJson } from './event-json.ts';

const encoder = new TextEncoder();

export function encodeBatch(agentId: string, seq: number, events: readonly InferenceEvent[]): Uint8Array {
  let body = '';
  for (let i = 0; i < events.length; i++) body += (i ? ',' : '') + eventJson(events[i]);
  return encoder.encode(`{"v":1,"agent_id":${JSON.stringify(agentId)},"seq":${seq},"events":[${body}]}`);
}

/**
 * The Nats-Msg-Id of a batch: JetStream drops a second message with the same id. The boot id
 * (random per process) keeps two processes that share an agent id from deduplicating each other.
 */
export function batchMsgId(agentId: string, bootId: string, seq: number): string {
  return `${agentId}:${bootId}:${seq}`;
}
