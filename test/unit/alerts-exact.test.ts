// Exact checks of the alert rules, the state machine and the notification payloads: each limit at
// its edge, each summary word for word, each transition with its timestamps. The scenario tests
// (alerts-rules, alerts-state-machine) show the behaviour; these pin the details mutation testing
// found unguarded (a `>` that could be `>=`, a summary nobody read, a retention nobody waited out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRules, RULE_DEFAULTS, STARLIGHT_TARGETS } from '../../collector/alerts/rules.ts';
import { AlertStateMachine, fingerprintOf } from '../../collector/alerts/state-machine.ts';
import { groupNotification, headline, toNotification } from '../../collector/alerts/notification.ts';
import { redactUrl, scrub } from '../../collector/alerts/redact.ts';
import type { Alert, AlertCondition } from '../../collector/alerts/types.ts';

const byId = (conditions: AlertCondition[]): Record<string, AlertCondition> =>
  Object.fromEntries(conditions.map((c) => [`${c.ruleId} ${c.key}`, c]));

test('rules: each target at its edge is still fine, just past it is not; summaries read exactly', () => {
  const targets = { ...STARLIGHT_TARGETS, methodImbalanceMax: 0.25 };
  const edge = byId(evaluateRules({ ts: 0, key: 'overall', fpr: 0.0005, latencyP95Ms: 5, detectionByMethod: { alpha: 0.99, exif: 0.75, raw: 1 } }, { targets }));
  assert.deepEqual(Object.keys(edge).sort(), [
    'detection_below_target overall/method=alpha',
    'detection_below_target overall/method=exif',
    'detection_below_target overall/method=raw',
    'latency_p95_above_target overall',
    'method_imbalance overall',
    'fpr_above_target overall',
  ].sort());
  assert.deepEqual(edge['fpr_above_target overall'], {
    ruleId: 'fpr_above_target', key: 'overall', active: false, severity: 'critical', forMs: 60_000, value: 0.0005, threshold: 0.0005,
    summary: 'FPR 0.050% > 0.050%', keepFiringForMs: 60_000,
  });
  assert.deepEqual(edge['latency_p95_above_target overall'], {
    ruleId: 'latency_p95_above_target', key: 'overall', active: false, severity: 'warning', forMs: 60_000, value: 5, threshold: 5,
    summary: 'p95 latency 5.00 ms > 5 ms', keepFiringForMs: 60_000,
  });
  assert.equal(edge['detection_below_target overall/method=alpha'].active, false);
  assert.equal(edge['detection_below_target overall/method=alpha'].summary, 'alpha detection 99.00% < 99.00%');
  assert.equal(edge['detection_below_target overall/method=exif'].active, true);
  assert.deepEqual(edge['method_imbalance overall'], {
    ruleId: 'method_imbalance', key: 'overall', active: false, severity: 'warning', forMs: 60_000, value: 0.25, threshold: 0.25,
    summary: 'method imbalance 25.0% (raw 100.0% vs exif 75.0%) > 25.0%', keepFiringForMs: 60_000,
  });

  const past = byId(evaluateRules({ ts: 0, key: 'k', fpr: 0.00051, latencyP95Ms: 5.001, detectionByMethod: { alpha: 0.9899, b: 0.7 } }, { targets, forMs: 5, keepFiringForMs: 7 }));
  assert.deepEqual(
    Object.values(past).map((c) => [c.ruleId, c.key, c.active, c.forMs, c.keepFiringForMs]),
    [
      ['fpr_above_target', 'k', true, 5, 7],
      ['detection_below_target', 'k/method=alpha', true, 5, 7],
      ['detection_below_target', 'k/method=b', true, 5, 7],
      ['method_imbalance', 'k', true, 5, 7],
      ['latency_p95_above_target', 'k', true, 5, 7],
    ],
  );
  assert.equal(past['method_imbalance k'].summary, 'method imbalance 29.0% (alpha 99.0% vs b 70.0%) > 25.0%');
  assert.ok(Math.abs(past['method_imbalance k'].value - 0.2899) < 1e-12);
});

test('rules: one method has no imbalance; without data a rule says nothing', () => {
  const one = evaluateRules({ ts: 0, key: 'overall', detectionByMethod: { alpha: 0.5 } });
  assert.deepEqual(one.map((c) => c.ruleId), ['detection_below_target']);
  assert.deepEqual(evaluateRules({ ts: 0, key: 'overall' }), []);
  // The best and the worst are found whatever the order.
  const three = byId(evaluateRules({ ts: 0, key: 'o', detectionByMethod: { m: 0.95, hi: 1, lo: 0.8 } }));
  assert.match(three['method_imbalance o'].summary, /\(hi 100\.0% vs lo 80\.0%\)/);
  const reversed = byId(evaluateRules({ ts: 0, key: 'o', detectionByMethod: { lo: 0.8, m: 0.95, hi: 1 } }));
  assert.match(reversed['method_imbalance o'].summary, /\(hi 100\.0% vs lo 80\.0%\)/);
});

test('rules: with counts, a rate is judged by its whole Wilson interval and says so', () => {
  // 3 false positives in 1000: 0.3%, interval about 0.10%-0.88%, wholly above 0.05%.
  const sure = byId(evaluateRules({ ts: 0, key: 'overall', fpr: 0.9, counts: { fpr: { hits: 3, n: 1000 } } }));
  const fpr = sure['fpr_above_target overall'];
  assert.equal(fpr.active, true);
  assert.equal(fpr.value, 0.003, 'the rate of the counts, not the bare rate');
  assert.equal(fpr.summary, 'FPR 0.300% (95% CI 0.102%-0.878%, n=1000) > 0.050%');
  // 1 in 100 is 1%, but the interval reaches down to 0.18%... and 1 in 3000 reaches below 0.05%.
  assert.equal(byId(evaluateRules({ ts: 0, key: 'o', fpr: 0.9, counts: { fpr: { hits: 1, n: 3000 } } }))['fpr_above_target o'].active, false);
  // No counts judged yet: the bare rate is shown, nothing fires (the interval is 0..1).
  const none = byId(evaluateRules({ ts: 0, key: 'o', fpr: 0.9, detectionByMethod: { a: 0.1 }, counts: { fpr: { hits: 0, n: 0 }, detectionByMethod: { a: { hits: 0, n: 0 } } } }));
  assert.deepEqual([none['fpr_above_target o'].active, none['fpr_above_target o'].value], [false, 0.9]);
  assert.equal(none['detection_below_target o/method=a'].active, false);
  // Detection: 90 of 100 is surely below 99%; 99 of 100 is not.
  const det = byId(evaluateRules({ ts: 0, key: 'o', detectionByMethod: { a: 0, b: 0 }, counts: { detectionByMethod: { a: { hits: 90, n: 100 }, b: { hits: 99, n: 100 } } } }));
  assert.equal(det['detection_below_target o/method=a'].active, true);
  assert.equal(det['detection_below_target o/method=a'].summary, 'a detection 90.00% (95% CI 82.56%-94.48%, n=100) < 99.00%');
  assert.equal(det['detection_below_target o/method=b'].active, false);
});

test('rules: a target the baseline itself misses is left to the standing notice; one it meets still alerts', () => {
  const snapshot = { ts: 0, key: 'o', fpr: 0.01, latencyP95Ms: 50, detectionByMethod: { a: 0.5, b: 0.98 } };
  const targets = { ...STARLIGHT_TARGETS, methodImbalanceMax: 0.25 };
  const ids = (baseline: object): string[] =>
    evaluateRules(snapshot, { baseline, targets, factors: { fpr: 100, detection: 0, latencyP95: 100 } }).filter((c) => !c.ruleId.endsWith('_regression')).map((c) => `${c.ruleId} ${c.key}`);
  const all = ['fpr_above_target o', 'detection_below_target o/method=a', 'detection_below_target o/method=b', 'method_imbalance o', 'latency_p95_above_target o'];
  assert.deepEqual(ids({}), all);
  // At the target exactly, the baseline meets it.
  assert.deepEqual(ids({ fpr: 0.0005, latencyP95Ms: 5, detectionByMethod: { a: 0.99, b: 0.99 } }), all);
  assert.deepEqual(ids({ fpr: 0.00051, latencyP95Ms: 5.01, detectionByMethod: { a: 0.98, b: 0.99 } }), ['detection_below_target o/method=b', 'method_imbalance o']);
  // A baseline gap of more than the imbalance limit: the imbalance is known; at the limit it is not.
  assert.deepEqual(ids({ detectionByMethod: { x: 1, y: 0.75 } }), all);
  assert.deepEqual(ids({ detectionByMethod: { y: 0.74, x: 1, z: 0.9 } }), all.filter((id) => id !== 'method_imbalance o'));
  assert.deepEqual(ids({ detectionByMethod: { x: 1, z: 0.9, y: 0.74 } }), all.filter((id) => id !== 'method_imbalance o'));
  // One method in the baseline has no imbalance.
  assert.deepEqual(ids({ detectionByMethod: { x: 0 } }), all);
});

test('rules: regressions compare with the baseline times its factor, exactly at the limit being fine', () => {
  const baseline = { fpr: 0.0002, latencyP95Ms: 2.5, detectionByMethod: { a: 0.8, b: 0.9 } };
  const factors = { fpr: 2, detection: 0.5, latencyP95: 2 };
  const at = byId(evaluateRules({ ts: 0, key: 'o', fpr: 0.0004, latencyP95Ms: 5, detectionByMethod: { a: 0.4, c: 0.1 } }, { baseline, factors }));
  assert.deepEqual(at['fpr_regression o'], {
    ruleId: 'fpr_regression', key: 'o', active: false, severity: 'critical', forMs: 60_000, value: 0.0004, threshold: 0.0004,
    summary: 'FPR 0.040% > 2x baseline 0.020%', keepFiringForMs: 60_000,
  });
  assert.deepEqual(at['detection_regression o/method=a'], {
    ruleId: 'detection_regression', key: 'o/method=a', active: false, severity: 'critical', forMs: 60_000, value: 0.4, threshold: 0.4,
    summary: 'a detection 40.00% < 0.5x baseline 80.00%', keepFiringForMs: 60_000,
  });
  assert.equal(at['detection_regression o/method=c'], undefined, 'no baseline for c');
  assert.deepEqual(at['latency_p95_regression o'], {
    ruleId: 'latency_p95_regression', key: 'o', active: false, severity: 'warning', forMs: 60_000, value: 5, threshold: 5,
    summary: 'p95 latency 5.00 ms > 2x baseline 2.50 ms', keepFiringForMs: 60_000,
  });
  const past = byId(evaluateRules({ ts: 0, key: 'o', fpr: 0.00041, latencyP95Ms: 5.01, detectionByMethod: { a: 0.399 } }, { baseline, factors }));
  assert.deepEqual([past['fpr_regression o'].active, past['detection_regression o/method=a'].active, past['latency_p95_regression o'].active], [true, true, true]);
  // The FPR limit never passes 100%.
  const capped = byId(evaluateRules({ ts: 0, key: 'o', fpr: 0.9 }, { baseline: { fpr: 0.6 }, factors: { ...factors, fpr: 10 } }));
  assert.equal(capped['fpr_regression o'].threshold, 1);
  // No baseline figure, no regression rule.
  assert.deepEqual(evaluateRules({ ts: 0, key: 'o', fpr: 0.1, latencyP95Ms: 1 }, { baseline: {} }).map((c) => c.ruleId), ['fpr_above_target', 'latency_p95_above_target']);
  // With counts: 3 of 1000 against a 2x 0.02% limit.
  const counted = byId(evaluateRules({ ts: 0, key: 'o', fpr: 0, counts: { fpr: { hits: 3, n: 1000 } } }, { baseline, factors }));
  assert.equal(counted['fpr_regression o'].summary, 'FPR 0.300% (95% CI 0.102%-0.878%, n=1000) > 2x baseline 0.020%');
  assert.equal(counted['fpr_regression o'].active, true);
});

test('rules: anomalies notify only where asked, with readable numbers', () => {
  const point = { ts: 0, value: 12.345678, expected: 3, score: 0.987, isAnomaly: true, detector: 'robust-z' };
  const c = byId(evaluateRules({ ts: 0, key: 'a', anomalies: { latency_p95: point, rps: { ...point, value: Infinity, isAnomaly: false } } }, { anomalyNotify: ['latency_p95'], anomalyForMs: 9 }));
  assert.deepEqual(c['anomaly a/latency_p95'], {
    ruleId: 'anomaly', key: 'a/latency_p95', active: true, severity: 'info', forMs: 9, value: 12.345678, threshold: 3,
    summary: 'latency_p95 12.35 vs expected 3 (robust-z, score 0.99)', notify: true, keepFiringForMs: 60_000,
  });
  assert.equal(c['anomaly a/rps'].summary, 'rps n/a vs expected 3 (robust-z, score 0.99)');
  assert.deepEqual([c['anomaly a/rps'].active, c['anomaly a/rps'].notify], [false, false]);
  assert.deepEqual(RULE_DEFAULTS.anomalyNotify, []);
  assert.equal(RULE_DEFAULTS.anomalyForMs, 0);
});

const MIN = 60_000;
function condition(active: boolean, extra: Partial<AlertCondition> = {}): AlertCondition {
  return { ruleId: 'r', key: 'k', active, severity: 'warning', forMs: 2 * MIN, value: active ? 9 : 1, threshold: 5, summary: active ? 'bad' : 'fine', ...extra };
}

test('state machine: an alert fires when it has been pending exactly its for-duration', () => {
  const sm = new AlertStateMachine();
  const [pending] = sm.evaluate([condition(true)], 1000);
  assert.deepEqual(pending, {
    kind: 'pending',
    alert: {
      id: 'r|k@1000#1', fingerprint: 'r|k', ruleId: 'r', key: 'k', state: 'pending', severity: 'warning', summary: 'bad', value: 9, threshold: 5,
      activeSince: 1000, firedAt: null, resolvedAt: null, lastEvaluatedAt: 1000, repeats: 0, notify: true, clearedSince: null,
    },
  });
  assert.deepEqual(sm.evaluate([condition(true)], 1000 + 2 * MIN - 1), []);
  const [firing] = sm.evaluate([condition(true, { value: 10, summary: 'worse', severity: 'critical', threshold: 6 })], 1000 + 2 * MIN);
  assert.equal(firing.kind, 'firing');
  assert.deepEqual([firing.alert.state, firing.alert.firedAt, firing.alert.activeSince, firing.alert.lastEvaluatedAt], ['firing', 1000 + 2 * MIN, 1000, 1000 + 2 * MIN]);
  assert.deepEqual([firing.alert.value, firing.alert.summary, firing.alert.severity, firing.alert.threshold], [10, 'worse', 'critical', 6]);
  assert.equal(fingerprintOf('a', 'b'), 'a|b');
});

test('state machine: keep-firing-for holds a flapping alert, and resolves it as of when it first went false', () => {
  const sm = new AlertStateMachine();
  const keep = { forMs: 0, keepFiringForMs: 5 * MIN };
  const [fired] = sm.evaluate([condition(true, keep)], 0);
  assert.deepEqual([fired.kind, fired.alert.firedAt], ['firing', 0]);
  assert.deepEqual(sm.evaluate([condition(false, keep)], 1 * MIN), [], 'false, but kept firing');
  assert.equal(sm.get('r', 'k')?.clearedSince, 1 * MIN);
  assert.equal(sm.get('r', 'k')?.value, 9, 'a false condition keeps the last bad value');
  assert.equal(sm.get('r', 'k')?.summary, 'bad');
  assert.equal(sm.get('r', 'k')?.lastEvaluatedAt, 1 * MIN);
  const [back] = sm.evaluate([condition(true, keep)], 2 * MIN);
  assert.deepEqual([back.kind, back.alert.clearedSince, back.alert.repeats], ['updated', null, 1]);
  assert.deepEqual(sm.evaluate([condition(false, keep)], 3 * MIN), []);
  assert.deepEqual(sm.evaluate([condition(false, keep)], 8 * MIN - 1), [], 'just short of keep-firing-for');
  const [resolved] = sm.evaluate([condition(false, keep)], 8 * MIN);
  assert.deepEqual([resolved.kind, resolved.alert.state, resolved.alert.resolvedAt, resolved.alert.clearedSince], ['resolved', 'resolved', 3 * MIN, null]);
  // Without keep-firing-for it resolves at the first false evaluation.
  const plain = new AlertStateMachine();
  plain.evaluate([condition(true, { forMs: 0 })], 0);
  assert.equal(plain.evaluate([condition(false, { forMs: 0 })], 1)[0].kind, 'resolved');
});

test('state machine: resolved alerts stay visible for the retention, then are dropped; a return is a new episode', () => {
  const sm = new AlertStateMachine({ resolvedRetentionMs: 10 * MIN });
  sm.evaluate([condition(true, { forMs: 0 })], 0);
  sm.evaluate([condition(false, { forMs: 0 })], 1 * MIN);
  sm.evaluate([], 11 * MIN);
  assert.equal(sm.get('r', 'k')?.state, 'resolved', 'exactly at the retention it is still shown');
  sm.evaluate([], 11 * MIN + 1);
  assert.equal(sm.get('r', 'k'), undefined);
  assert.deepEqual(sm.list(), []);
  // Default retention: 15 minutes.
  const dflt = new AlertStateMachine();
  dflt.evaluate([condition(true, { forMs: 0 })], 0);
  dflt.evaluate([condition(false, { forMs: 0 })], 0);
  dflt.evaluate([], 15 * MIN);
  assert.equal(dflt.list().length, 1);
  dflt.evaluate([], 15 * MIN + 1);
  assert.equal(dflt.list().length, 0);
  // Firing alerts are never dropped, however old; pending neither.
  const old = new AlertStateMachine({ resolvedRetentionMs: 1 });
  old.evaluate([condition(true, { forMs: 0 }), condition(true, { key: 'p', forMs: 10 * MIN })], 0);
  old.evaluate([], 100 * MIN);
  assert.deepEqual(old.list().map((a) => a.state).sort(), ['firing', 'pending']);
  // A false condition on a resolved alert does nothing; a true one opens a new episode.
  const again = new AlertStateMachine();
  again.evaluate([condition(true, { forMs: 0 })], 0);
  again.evaluate([condition(false, { forMs: 0 })], 1);
  assert.deepEqual(again.evaluate([condition(false, { forMs: 0 })], 2), []);
  const [second] = again.evaluate([condition(true, { forMs: 0 })], 3);
  assert.deepEqual([second.kind, second.alert.id, second.alert.repeats, second.alert.firedAt], ['firing', 'r|k@3#2', 0, 3]);
});

test('state machine: a cancelled pending alert is gone; notify follows the latest condition; dump and restore', () => {
  const sm = new AlertStateMachine();
  sm.evaluate([condition(true, { notify: false })], 0);
  assert.equal(sm.get('r', 'k')?.notify, false);
  sm.evaluate([condition(true)], 1);
  assert.equal(sm.get('r', 'k')?.notify, true, 'no notify flag means notify');
  const [cancelled] = sm.evaluate([condition(false, { notify: false })], 2);
  assert.deepEqual([cancelled.kind, cancelled.alert.state, cancelled.alert.notify, cancelled.alert.lastEvaluatedAt], ['cancelled', 'pending', false, 2]);
  assert.equal(sm.get('r', 'k'), undefined);
  // Copies out, copies in.
  sm.evaluate([condition(true, { forMs: 0 })], 5);
  const dump = sm.dump();
  dump[0].value = -1;
  assert.equal(sm.get('r', 'k')?.value, 9, 'the dump is a copy');
  const other = new AlertStateMachine();
  other.evaluate([condition(true, { key: 'gone', forMs: 0 })], 0);
  other.restore(sm.dump());
  assert.deepEqual(other.list(), sm.list());
  assert.equal(other.get('r', 'gone'), undefined, 'restore replaces what was there');
  const copy = other.get('r', 'k') as Alert;
  copy.value = -2;
  assert.equal(other.get('r', 'k')?.value, 9, 'get is a copy');
});

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'i', fingerprint: 'f', ruleId: 'fpr_above_target', key: 'overall', state: 'firing', severity: 'critical', summary: 'FPR 0.080% > 0.050%',
  value: 0.0008, threshold: 0.0005, activeSince: 1000, firedAt: 2000, resolvedAt: null, lastEvaluatedAt: 2000, repeats: 0, notify: true, clearedSince: null, ...over,
});

test('notification: only firing and resolved transitions become notifications, dated by firing and resolving', () => {
  for (const kind of ['pending', 'updated', 'cancelled'] as const) assert.equal(toNotification({ kind, alert: alert() }), null, kind);
  assert.deepEqual(toNotification({ kind: 'firing', alert: alert() }), {
    v: 1, id: 'i', fingerprint: 'f', rule: 'fpr_above_target', key: 'overall', status: 'firing', severity: 'critical', summary: 'FPR 0.080% > 0.050%',
    value: 0.0008, threshold: 0.0005, startsAt: '1970-01-01T00:00:02.000Z', endsAt: null,
  });
  const resolved = toNotification({ kind: 'resolved', alert: alert({ state: 'resolved', resolvedAt: 5000 }) });
  assert.deepEqual([resolved?.status, resolved?.endsAt], ['resolved', '1970-01-01T00:00:05.000Z']);
  assert.equal(toNotification({ kind: 'firing', alert: alert({ firedAt: null }) })?.startsAt, '1970-01-01T00:00:01.000Z', 'never fired: since it was active');
  assert.equal(headline(toNotification({ kind: 'firing', alert: alert() })!), '[FIRING] critical fpr_above_target overall: FPR 0.080% > 0.050%');
});

test('notification: a group is headed by its lead alert and lists every alert', () => {
  const lead = alert({ id: 'L', resolvedAt: 9000 });
  const other = alert({ id: 'O', ruleId: 'x', key: 'y', state: 'resolved', severity: 'warning', summary: 's' });
  const g = groupNotification({ group: 'fpr|overall', status: 'firing', lead, alerts: [lead, other] }, { rootCause: [], link: 'http://board' });
  assert.deepEqual(g, {
    v: 1, id: 'L', fingerprint: 'f', rule: 'fpr_above_target', key: 'overall', status: 'firing', severity: 'critical',
    summary: 'FPR 0.080% > 0.050% (+1 more)', value: 0.0008, threshold: 0.0005, startsAt: '1970-01-01T00:00:02.000Z', endsAt: null,
    group: 'fpr|overall',
    alerts: [
      { id: 'L', rule: 'fpr_above_target', key: 'overall', status: 'firing', severity: 'critical', summary: 'FPR 0.080% > 0.050%' },
      { id: 'O', rule: 'x', key: 'y', status: 'resolved', severity: 'warning', summary: 's' },
    ],
    link: 'http://board',
  });
  const alone = groupNotification({ group: 'g', status: 'resolved', lead, alerts: [lead] }, { rootCause: [{ dim: 'agent' }] });
  assert.deepEqual([alone.summary, alone.endsAt, alone.root_cause, 'link' in alone], ['FPR 0.080% > 0.050%', '1970-01-01T00:00:09.000Z', [{ dim: 'agent' }], false]);
  const neverResolved = groupNotification({ group: 'g', status: 'resolved', lead: alert({ firedAt: null }), alerts: [alert()] });
  assert.deepEqual([neverResolved.endsAt, neverResolved.startsAt, 'root_cause' in neverResolved], [null, '1970-01-01T00:00:01.000Z', false]);
});

test('redact: a URL keeps its origin only; secrets are scrubbed everywhere they occur', () => {
  assert.equal(redactUrl('https://hooks.example:8443/services/T0/B0/XXXX?token=abc'), 'https://hooks.example:8443/[redacted]');
  assert.equal(redactUrl('not a url with secret'), '[redacted url]');
  assert.equal(scrub('pw hunter2 and hunter2 again, user bob', ['hunter2', undefined, '', 'bob']), 'pw [redacted] and [redacted] again, user [redacted]');
  assert.equal(scrub('nothing to hide', []), 'nothing to hide');
});

test('rules: counts for some rates only; ties name the first method; a rule needs both its figures', () => {
  // Counts for the FPR but none per method: the methods are judged on their bare rates.
  const c = byId(evaluateRules(
    { ts: 0, key: 'o', fpr: 0, detectionByMethod: { a: 0.5, b: 0.5, c: 1, d: 1 }, counts: { fpr: { hits: 0, n: 10 } } },
    { baseline: { detectionByMethod: { a: 0.995 } } },
  ));
  assert.deepEqual([c['detection_below_target o/method=a'].active, c['detection_below_target o/method=a'].severity], [true, 'critical']);
  assert.equal(c['detection_regression o/method=a'].active, true);
  // Best and worst ties: the first of each is named.
  assert.equal(c['method_imbalance o'].summary, 'method imbalance 50.0% (c 100.0% vs a 50.0%) > 10.0%');
  // A baseline FPR without a live one: no FPR regression (and no NaN condition).
  assert.deepEqual(evaluateRules({ ts: 0, key: 'o', latencyP95Ms: 1 }, { baseline: { fpr: 0.001 } }).map((x) => x.ruleId), ['latency_p95_above_target']);
  // Two baseline methods far apart are enough to know the imbalance.
  const two = evaluateRules({ ts: 0, key: 'o', detectionByMethod: { a: 1, b: 0.5 } }, { baseline: { detectionByMethod: { x: 1, y: 0.5 } } });
  assert.equal(two.some((x) => x.ruleId === 'method_imbalance'), false);
});
