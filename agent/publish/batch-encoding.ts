// A batch of events -> bytes for one JetStream message: an EventBatch v4, the events as columns
// (schemas/event-columns.ts says why), compacted (schemas/compact-columns.ts says why), in CBOR
// (schemas/cbor-batch.ts says why); v3, the same in JSON, for the rare batch CBOR cannot carry.
import { encodeCborBatch } from '../../schemas/cbor-batch.ts';
import { compactColumns } from '../../schemas/compact-columns.ts';
import { toColumns } from '../../schemas/event-columns.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';

const encoder = new TextEncoder();

export function encodeBatch(agentId: string, seq: number, events: readonly InferenceEvent[]): Uint8Array {
  const v3 = compactColumns(toColumns(agentId, seq, events));
  return encodeCborBatch(v3) ?? encoder.encode(JSON.stringify(v3));
}

/**
 * The Nats-Msg-Id of a batch: JetStream drops a second message with the same id. The boot id
 * (random per process) keeps two processes that share an agent id from deduplicating each other.
 */
export function batchMsgId(agentId: string, bootId: string, seq: number): string {
  return `${agentId}:${bootId}:${seq}`;
}
