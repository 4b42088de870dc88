import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowOf, toColumns } from '../../schemas/event-columns.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { fullEvent } from '../fixtures/collector-events.ts';

function withModel(id: string, model: Partial<InferenceEvent['model']>): InferenceEvent {
  return { ...structuredClone(fullEvent), event_id: id, model: { ...fullEvent.model, ...model } };
}

test('column batches keep models apart that differ only by sha256 or only by id, and share identical ones', () => {
  const events = [
    withModel('ev-0', {}),
    withModel('ev-1', { sha256: 'b'.repeat(64) }), // a retrained model under the same version
    withModel('ev-2', { id: 'starlight-v4-lite' }),
    withModel('ev-3', { version: 'v4.0.1' }),
    withModel('ev-4', {}),
  ];
  const batch = toColumns(fullEvent.agent_id, 1, events);
  assert.equal(batch.models.length, 4, 'four distinct models, the last event reuses the first');
  assert.deepEqual(batch.columns.model, [0, 1, 2, 3, 0]);
  events.forEach((e, i) => assert.deepEqual((rowOf(batch, i) as InferenceEvent).model, e.model, `row ${i} gets its own model back`));
});
