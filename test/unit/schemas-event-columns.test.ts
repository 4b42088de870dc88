import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnsMisfit, EventColumns, rowOf, toColumns } from '../../schemas/event-columns.ts';
import { validator } from '../../schemas/validate.ts';
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

const labelled = (id: string): InferenceEvent => ({ ...withModel(id, {}), label: { category: 'stego', method: 'alpha', bit_order: 'none' } });
const errored = (id: string): InferenceEvent => ({ ...withModel(id, {}), outputs: null, error_code: 'CORRUPT_IMAGE' });

test('every row of a column batch is its event again, labels, errors and all', () => {
  const events = [withModel('ev-a', {}), labelled('ev-b'), errored('ev-c')];
  const batch = toColumns(fullEvent.agent_id, 42, events);
  assert.deepEqual([batch.v, batch.agent_id, batch.seq, batch.n], [2, fullEvent.agent_id, 42, 3]);
  assert.deepEqual(batch.columns.label, [null, events[1].label, null]);
  events.forEach((e, i) => assert.deepEqual(rowOf(batch, i), e, `row ${i}`));
  assert.equal('label' in (rowOf(batch, 0) as object), false, 'no label key on an unlabelled row');
  assert.equal(columnsMisfit(batch), undefined);
});

test('without any label the label column is left out; a row with any output keeps its outputs', () => {
  const batch = toColumns(fullEvent.agent_id, 1, [withModel('ev-a', {})]);
  assert.equal('label' in batch.columns, false);
  for (const only of ['stego_prob', 'is_stego', 'method', 'method_prob', 'bit_order'] as const) {
    const b = toColumns(fullEvent.agent_id, 1, [errored('ev-x')]);
    (b.columns[only] as unknown[])[0] = 'set';
    const row = rowOf(b, 0) as { outputs: Record<string, unknown> | null };
    assert.equal(row.outputs?.[only], 'set', `${only} alone makes the row scored`);
  }
});

test('a batch refuses an event of another agent; columns of the wrong length are named', () => {
  assert.throws(() => toColumns('agent-other', 1, [withModel('ev-a', {})]), /event ev-a is from agent agent_a-1, not agent-other/);
  const batch = toColumns(fullEvent.agent_id, 1, [withModel('ev-a', {}), withModel('ev-b', {})]);
  batch.columns.height.pop();
  assert.equal(columnsMisfit(batch), '/columns/height has 1 values, n is 2');
});

test('a model index that points nowhere stays as it is, so the schema can name it', () => {
  const batch = toColumns(fullEvent.agent_id, 1, [withModel('ev-a', {})]);
  for (const bad of [5, -1, 0.5, 'x', null]) {
    batch.columns.model[0] = bad;
    assert.equal((rowOf(batch, 0) as { model: unknown }).model, bad, String(bad));
  }
});

test('the batch schema bounds agent_id to 1-64 characters', () => {
  const check = validator(EventColumns);
  const batch = toColumns(fullEvent.agent_id, 1, [withModel('ev-a', {})]);
  assert.equal(check(batch).ok, true);
  for (const agent_id of ['', 'a'.repeat(65)]) assert.equal(check({ ...batch, agent_id }).ok, false, `agent_id of ${agent_id.length} chars`);
  assert.equal(check({ ...batch, agent_id: 'a'.repeat(64) }).ok, true, '64 is allowed');
});

test('the batch schema refuses a negative seq, no rows, no models and unknown keys', () => {
  const check = validator(EventColumns);
  const batch = toColumns(fullEvent.agent_id, 0, [withModel('ev-a', {})]);
  assert.equal(check(batch).ok, true, 'seq 0 and one row are fine');
  const bad: Record<string, unknown> = { seq: -1, n: 0, models: [], extra: 1 };
  for (const [key, value] of Object.entries(bad)) assert.equal(check({ ...batch, [key]: value }).ok, false, `${key}: ${JSON.stringify(value)}`);
});
