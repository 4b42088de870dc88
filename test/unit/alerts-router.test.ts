// Alertmanager-like handling, in event time and without services: grouping per rule family and
// scope (group wait, group interval, repeat interval), inhibition by a critical on the same key,
// keep-firing-for against flapping, silences with an expiry, annotations that never notify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotificationRouter, type GroupTimings } from '../../collector/alerts/router.ts';
import { SilenceError, SilenceStore } from '../../collector/alerts/silences.ts';
import { AlertStateMachine } from '../../collector/alerts/state-machine.ts';
import type { AlertCondition } from '../../collector/alerts/types.ts';

const S = 1000;
const MIN = 60 * S;
const TIMINGS: GroupTimings = { groupWaitMs: 30 * S, groupIntervalMs: 5 * MIN, repeatIntervalMs: 60 * MIN };

function cond(ruleId: string, key: string, active: boolean, extra: Partial<AlertCondition> = {}): AlertCondition {
  return { ruleId, key, active, severity: 'warning', forMs: 0, value: active ? 2 : 0, threshold: 1, summary: `${ruleId} ${key}`, ...extra };
}

/** Machine + router, stepped every 10 s of event time like the stage; returns what was told. */
function harness(timings = TIMINGS, silences?: SilenceStore) {
  const machine = new AlertStateMachine();
  const router = new NotificationRouter(timings, silences);
  const told: { at: number; group: string; status: string; rules: string[] }[] = [];
  return {
    machine,
    router,
    told,
    step(at: number, conditions: AlertCondition[]) {
      machine.evaluate(conditions, at);
      for (const n of router.route(machine.list(), at)) {
        told.push({ at, group: n.group, status: n.status, rules: n.alerts.map((a) => `${a.ruleId}:${a.state}`) });
      }
    },
  };
}

test('grouping: two rules of one family and scope firing 10 s apart are one notification after the group wait', () => {
  const h = harness();
  h.step(0, [cond('latency_p95_above_target', 'overall', true)]);
  h.step(10 * S, [cond('latency_p95_above_target', 'overall', true), cond('latency_p95_regression', 'overall', true)]);
  h.step(20 * S, [cond('latency_p95_above_target', 'overall', true), cond('latency_p95_regression', 'overall', true)]);
  assert.equal(h.told.length, 0, 'nothing before the group wait');
  h.step(30 * S, [cond('latency_p95_above_target', 'overall', true), cond('latency_p95_regression', 'overall', true)]);
  assert.deepEqual(h.told, [{ at: 30 * S, group: 'latency|overall', status: 'firing', rules: ['latency_p95_above_target:firing', 'latency_p95_regression:firing'] }]);
});

test('group interval: a change after the first notification waits for it; unchanged firing repeats after the repeat interval', () => {
  const h = harness();
  const a = cond('fpr_above_target', 'overall', true);
  const b = cond('fpr_regression', 'overall', true);
  for (let t = 0; t <= 30 * S; t += 10 * S) h.step(t, [a]);
  assert.equal(h.told.length, 1);
  for (let t = 40 * S; t < 30 * S + 5 * MIN; t += 10 * S) h.step(t, [a, b]);
  assert.equal(h.told.length, 1, 'the joining alert waits for the group interval');
  h.step(30 * S + 5 * MIN, [a, b]);
  assert.equal(h.told.length, 2);
  assert.deepEqual(h.told[1].rules, ['fpr_above_target:firing', 'fpr_regression:firing']);
  for (let t = 40 * S + 5 * MIN; t < 30 * S + 65 * MIN; t += 10 * S) h.step(t, [a, b]);
  assert.equal(h.told.length, 2, 'unchanged: nothing until the repeat interval');
  h.step(30 * S + 65 * MIN, [a, b]);
  assert.equal(h.told.length, 3, 'repeated after an hour');
});

test('a group whose alerts all resolve is told at once; one resolved before it was ever told is not told', () => {
  const h = harness();
  const on = cond('latency_p95_above_target', 'overall', true);
  for (let t = 0; t <= 30 * S; t += 10 * S) h.step(t, [on]);
  h.step(40 * S, [cond('latency_p95_above_target', 'overall', false)]);
  assert.deepEqual(h.told.map((n) => [n.at / S, n.status]), [[30, 'firing'], [40, 'resolved']]);

  const quick = harness();
  quick.step(0, [on]);
  quick.step(10 * S, [cond('latency_p95_above_target', 'overall', false)]);
  for (let t = 20 * S; t <= 60 * S; t += 10 * S) quick.step(t, []);
  assert.equal(quick.told.length, 0, 'fired and resolved within the group wait: nobody needed to know');
});

test('inhibition: a firing critical on a key silences the warnings on that key, not on other keys', () => {
  const h = harness({ ...TIMINGS, groupWaitMs: 0 });
  h.step(0, [
    cond('fpr_regression', 'overall', true, { severity: 'critical' }),
    cond('fpr_above_target', 'overall', true, { severity: 'warning' }),
    cond('latency_p95_above_target', 'model:v2', true, { severity: 'warning' }),
  ]);
  const rules = h.told.flatMap((n) => n.rules).sort();
  assert.deepEqual(rules, ['fpr_regression:firing', 'latency_p95_above_target:firing']);
});

test('flapping: keep-firing-for holds one alert (one id, one firing, one resolved) through a condition going on and off', () => {
  const h = harness({ ...TIMINGS, groupWaitMs: 0 });
  const flap = (t: number, active: boolean) => h.step(t, [cond('anomaly', 'overall/latency_p95', active, { keepFiringForMs: 30 * S })]);
  const pattern = [true, false, true, false, false, true, false, true, false, false, false, false];
  pattern.forEach((active, i) => flap(i * 10 * S, active));
  assert.deepEqual(h.told.map((n) => n.status), ['firing', 'resolved']);
  const [alert] = h.machine.list();
  assert.equal(alert.state, 'resolved');
  assert.equal(alert.resolvedAt, 80 * S, 'resolved as of when it last went false, not when keep-firing-for ran out');

  const without = harness({ ...TIMINGS, groupWaitMs: 0 });
  pattern.forEach((active, i) => without.step(i * 10 * S, [cond('anomaly', 'overall/latency_p95', active)]));
  assert.equal(without.told.filter((n) => n.status === 'firing').length, 4, 'the same pattern without it: four episodes');
});

test('annotations: an anomaly without notify is an alert (stored, live) but never a notification', () => {
  const h = harness({ ...TIMINGS, groupWaitMs: 0 });
  h.step(0, [cond('anomaly', 'overall/mean_prob', true, { notify: false }), cond('anomaly', 'overall/latency_p95', true, { notify: true })]);
  assert.equal(h.machine.list().filter((a) => a.state === 'firing').length, 2);
  assert.deepEqual(h.told.flatMap((n) => n.rules), ['anomaly:firing']);
  assert.equal(h.told.length, 1);
});

test('silences: matching alerts are not told until the silence expires; a bad matcher and the limit are typed errors', () => {
  let wall = 1_000_000;
  const silences = new SilenceStore(2, () => wall);
  const h = harness({ ...TIMINGS, groupWaitMs: 0 }, silences);
  const s = silences.add({ matchers: { rule: 'fpr_*' }, durationMs: 2 * 3600 * S, comment: 'known, being retrained' });
  h.step(0, [cond('fpr_regression', 'overall', true), cond('latency_p95_above_target', 'overall', true)]);
  assert.deepEqual(h.told.map((n) => n.group), ['latency|overall'], 'fpr silenced by prefix, latency told');
  assert.deepEqual(silences.list().map((x) => x.id), [s.id]);

  wall += 2 * 3600 * S; // the silence ran out
  h.step(10 * S, [cond('fpr_regression', 'overall', true), cond('latency_p95_above_target', 'overall', true)]);
  assert.deepEqual(h.told.map((n) => n.group), ['latency|overall', 'fpr|overall']);
  assert.equal(silences.list().length, 0, 'expired silences are no longer listed');

  const early = silences.add({ matchers: { family: 'latency' }, durationMs: MIN });
  silences.expire(early.id);
  assert.equal(silences.isSilenced({ ruleId: 'latency_p95_regression', key: 'overall', severity: 'warning' }), false, 'expired by hand');

  assert.throws(() => silences.add({ matchers: { colour: 'red' }, durationMs: MIN }), (e) => e instanceof SilenceError && e.code === 'silence_invalid');
  assert.throws(() => silences.add({ matchers: {}, durationMs: MIN }), (e) => e instanceof SilenceError && e.code === 'silence_invalid');
  assert.throws(() => silences.expire('nope'), (e) => e instanceof SilenceError && e.code === 'silence_not_found');
  silences.add({ matchers: { rule: 'a' }, durationMs: MIN });
  silences.add({ matchers: { rule: 'b' }, durationMs: MIN });
  assert.throws(() => silences.add({ matchers: { rule: 'c' }, durationMs: MIN }), (e) => e instanceof SilenceError && e.code === 'silence_limit');
});

test('restart: machine, router and silences dumped and restored carry on with the same id and no second notification', () => {
  const h = harness({ ...TIMINGS, groupWaitMs: 0 });
  const on = cond('fpr_regression', 'overall', true, { severity: 'critical' });
  h.step(0, [on]);
  assert.equal(h.told.length, 1);
  const id = h.machine.list()[0].id;

  const again = harness({ ...TIMINGS, groupWaitMs: 0 });
  again.machine.restore(h.machine.dump());
  again.router.restore(h.router.dump());
  again.step(10 * S, [on]);
  assert.equal(again.told.length, 0, 'still firing after the restart: not told again');
  assert.equal(again.machine.list()[0].id, id);
  again.step(20 * S, [cond('fpr_regression', 'overall', false, { severity: 'critical' })]);
  assert.deepEqual(again.told.map((n) => n.status), ['resolved'], 'cleared while down: resolved at the first evaluation');
});

test('groupBy scope: what one incident sets off in several families is one notification; an unknown label is refused', async () => {
  const h = harness({ ...TIMINGS, groupWaitMs: 0, groupBy: ['scope'] });
  h.step(0, [cond('anomaly', 'overall/latency_p95', true, { severity: 'info' }), cond('fpr_regression', 'overall', true, { severity: 'critical' })]);
  assert.deepEqual(h.told.map((n) => [n.group, n.rules.length]), [['overall', 2]]);
  h.step(10 * S, [cond('anomaly', 'overall/latency_p95', false, { severity: 'info' }), cond('fpr_regression', 'overall', false, { severity: 'critical' })]);
  assert.deepEqual(h.told.map((n) => n.status), ['firing', 'resolved']);

  const byDefault = harness({ ...TIMINGS, groupWaitMs: 0 });
  byDefault.step(0, [cond('anomaly', 'overall/latency_p95', true, { severity: 'info' }), cond('fpr_regression', 'overall', true, { severity: 'critical' })]);
  assert.deepEqual(byDefault.told.map((n) => n.group).sort(), ['anomaly|overall', 'fpr|overall'], 'by default family and scope');

  const { parseGroupBy } = await import('../../collector/analysis/start-analysis.ts');
  assert.deepEqual(parseGroupBy('family, scope'), ['family', 'scope']);
  assert.throws(() => parseGroupBy('family,colour'), /alerts.groupBy: unknown label "colour"/);
});
