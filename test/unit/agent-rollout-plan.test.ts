// The rollout plan takes its share exactly, pairs shadowed requests, and the shadow queue
// drops (and counts) what it cannot keep up with instead of growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutPlan } from '../../agent/rollout/rollout-plan.ts';
import { ShadowQueue } from '../../agent/rollout/shadow-queue.ts';
import { planOf } from '../../agent/rollout/start-rollout.ts';

test('a share of 0.1 is exactly every tenth request, in both modes', () => {
  for (const mode of ['shadow', 'canary'] as const) {
    const plan = new RolloutPlan(mode, 0.1, () => 0);
    const turns = Array.from({ length: 100 }, () => plan.next());
    const taken = turns.filter((t) => t.served.role === 'canary' || t.shadow);
    assert.equal(taken.length, 10, mode);
    assert.equal(turns.filter((t) => t.served.role === 'primary').length, mode === 'shadow' ? 100 : 90);
  }
});

test('a shadowed request has a pair id that its shadow shares, and others have none', () => {
  const plan = new RolloutPlan('shadow', 0.5, () => 0);
  const turns = Array.from({ length: 4 }, () => plan.next());
  const paired = turns.filter((t) => t.shadow);
  assert.equal(paired.length, 2);
  for (const t of paired) {
    assert.equal(t.served.role, 'primary');
    assert.equal(t.shadow?.role, 'shadow');
    assert.equal(t.served.pair_id, t.shadow?.pair_id);
  }
  assert.notEqual(paired[0].served.pair_id, paired[1].served.pair_id);
  assert.equal(turns.find((t) => !t.shadow)?.served.pair_id, undefined);
});

test('by default the share is kept within one request, at no fixed stride', () => {
  const plan = new RolloutPlan('shadow', 0.1);
  const taken: number[] = [];
  for (let i = 0; i < 1000; i++) if (plan.next().shadow) taken.push(i);
  assert.ok(taken.length >= 99 && taken.length <= 101, `took ${taken.length} of 1000`);
  // Traffic cycling through 40 images: a stride of 10 would show the candidate 4 of them.
  const seen = new Set(taken.map((i) => i % 40));
  assert.ok(seen.size > 20, `the candidate saw ${seen.size} of 40 images`);
});

test('shares outside (0, 1] and both modes at once are refused', () => {
  assert.throws(() => new RolloutPlan('canary', 0), RangeError);
  assert.throws(() => new RolloutPlan('canary', 1.5), RangeError);
  assert.throws(() => planOf({ shadowShare: 0.1, canaryShare: 0.1 }), /not both/);
  assert.throws(() => planOf({}), /needs/);
  assert.equal(planOf({ canaryShare: 1 }).mode, 'canary');
});

test('the shadow queue runs jobs after the current turn, one at a time, and drops beyond its bound', async () => {
  const queue = new ShadowQueue(2);
  const order: string[] = [];
  let running = 0;
  let most = 0;
  const job = (name: string) => async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setImmediate(r));
    order.push(name);
    running--;
  };
  assert.equal(queue.offer(job('a')), true);
  assert.equal(queue.offer(job('b')), true);
  assert.equal(queue.offer(job('c')), false); // two wait already: the limit
  order.push('answer sent');
  await queue.idle();
  assert.deepEqual(order, ['answer sent', 'a', 'b']);
  assert.equal(most, 1);
  assert.deepEqual({ scored: queue.counts.scored, dropped: queue.counts.dropped }, { scored: 2, dropped: 1 });
  assert.ok(queue.counts.ms > 0);
});

test('late labels: a message holds at most LABELS_DEFAULTS.maxPerMessage labels, each checked', async () => {
  const { checkLateLabels, LABELS_DEFAULTS } = await import('../../collector/labels/late-label.ts');
  const label = { event_id: 'e-1', truth: 'clean', source: 'review' };
  assert.equal(checkLateLabels(Array.from({ length: LABELS_DEFAULTS.maxPerMessage }, () => label)).ok, true);
  assert.equal(checkLateLabels(Array.from({ length: LABELS_DEFAULTS.maxPerMessage + 1 }, () => label)).ok, false);
  assert.equal(checkLateLabels([{ ...label, truth: 'maybe' }]).ok, false);
  assert.equal(checkLateLabels([{ ...label, event_id: "x' OR 1=1" }]).ok, false, 'ids are plain, so they never break a query');
});
