import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertStateMachine } from '../../collector/alerts/state-machine.ts';
import { evaluateRules } from '../../collector/alerts/rules.ts';
import type { AlertCondition } from '../../collector/alerts/types.ts';
import { assertAll } from '../harness/assert-all.ts';

const MIN = 60_000;

function fpr(active: boolean, value = active ? 0.001 : 0.0002): AlertCondition {
  return { ruleId: 'fpr_above_target', key: 'overall', active, severity: 'critical', forMs: 2 * MIN, value, threshold: 0.0005, summary: `FPR ${value}` };
}

test('alerts: inactive -> pending -> firing after the for-duration -> updated (no re-notify) -> resolved', () => {
  const sm = new AlertStateMachine();
  assert.deepEqual(sm.evaluate([fpr(false)], 0), [], 'a false condition with no alert does nothing');

  const [pending] = sm.evaluate([fpr(true)], 1 * MIN);
  assert.equal(pending.kind, 'pending');
  assert.equal(sm.evaluate([fpr(true)], 2 * MIN).length, 0, 'still pending one minute in');

  const [firing] = sm.evaluate([fpr(true)], 3 * MIN);
  assert.equal(firing.kind, 'firing');
  assert.equal(firing.alert.firedAt, 3 * MIN);

  const repeats = [4, 5, 6].map((m) => sm.evaluate([fpr(true, 0.002)], m * MIN));
  assertAll(repeats, (r) => r.length === 1 && r[0].kind === 'updated', 'repeats only update');
  assert.equal(sm.list().length, 1, 'one alert per rule+key');
  assert.equal(sm.get('fpr_above_target', 'overall')?.repeats, 3);
  assert.equal(sm.get('fpr_above_target', 'overall')?.value, 0.002, 'the update carries the latest value');
  assert.equal(sm.get('fpr_above_target', 'overall')?.id, firing.alert.id, 'same alert, same id');

  const [resolved] = sm.evaluate([fpr(false)], 7 * MIN);
  assert.equal(resolved.kind, 'resolved');
  assert.equal(resolved.alert.resolvedAt, 7 * MIN);
  assert.equal(resolved.alert.value, 0.002, 'the resolved notice keeps the last bad value');
});

test('alerts: a blip shorter than the for-duration is cancelled, never fires', () => {
  const sm = new AlertStateMachine();
  assert.equal(sm.evaluate([fpr(true)], 0)[0].kind, 'pending');
  assert.equal(sm.evaluate([fpr(false)], MIN)[0].kind, 'cancelled');
  assert.equal(sm.list().length, 0);
});

test('alerts: no condition for a key keeps its state; a return after resolving is a new episode', () => {
  const sm = new AlertStateMachine({ resolvedRetentionMs: 5 * MIN });
  sm.evaluate([fpr(true)], 0);
  const first = sm.evaluate([fpr(true)], 2 * MIN)[0].alert;
  assert.deepEqual(sm.evaluate([], 3 * MIN), []);
  assert.equal(sm.get('fpr_above_target', 'overall')?.state, 'firing');
  sm.evaluate([fpr(false)], 4 * MIN);
  sm.evaluate([fpr(true)], 5 * MIN);
  const second = sm.evaluate([fpr(true)], 7 * MIN)[0];
  assert.equal(second.kind, 'firing');
  assert.notEqual(second.alert.id, first.id);
  sm.evaluate([fpr(false)], 8 * MIN);
  sm.evaluate([], 14 * MIN);
  assert.equal(sm.list().length, 0, 'resolved alerts are dropped after the retention');
});

test('alerts: keys are independent; forMs 0 fires at once', () => {
  const sm = new AlertStateMachine();
  const a = { ...fpr(true), key: 'model:4.0.0', forMs: 0 };
  const b = { ...fpr(true), key: 'model:4.0.1', forMs: 0 };
  const out = sm.evaluate([a, b], 0);
  assert.deepEqual(out.map((t) => t.kind), ['firing', 'firing']);
  assert.equal(sm.evaluate([{ ...a, active: false }, b], MIN).map((t) => t.kind).join(','), 'resolved,updated');
});

test('alerts: rules over a stream of snapshots fire once and resolve once (end to end)', () => {
  const sm = new AlertStateMachine();
  const kinds: string[] = [];
  const fprs = [0.0002, 0.0008, 0.0009, 0.0009, 0.0009, 0.0003, 0.0003];
  fprs.forEach((value, i) => {
    const conditions = evaluateRules({ ts: i * MIN, key: 'overall', fpr: value }, { forMs: 2 * MIN });
    for (const t of sm.evaluate(conditions, i * MIN)) kinds.push(t.kind);
  });
  assert.deepEqual(kinds, ['pending', 'firing', 'updated', 'resolved']);
});
