// The analysis stage on windows from the real WindowEngine, without services: which points it
// writes, the alert lifecycle in event time, root cause by dimension, and that bad settings and
// failures are typed, counted and contained.
import { connectLiveFeed } from '../../collector/live/feed.ts';
import type { LiveHub } from '../../collector/live/hub.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { startAnalysis, type AnalysisHandle } from '../../collector/analysis/start-analysis.ts';
import type { AlertSettings } from '../../collector/analysis/settings.ts';
import type { AnalysisAnomaly } from '../../collector/analysis/stage.ts';
import type { AlertNotification, Notifier } from '../../collector/alerts/notification.ts';
import type { Logger } from '../../collector/log.ts';
import type { Point } from '../../collector/sinks/point.ts';
import { WindowEngine } from '../../collector/windows/engine.ts';
import type { WindowResult } from '../../collector/windows/window-result.ts';
import { scenarioEvents, type Scenario } from '../fixtures/analysis-scenario.ts';
import { assertAll } from '../harness/assert-all.ts';

const S = 1000;
const base = Date.UTC(2025, 0, 1, 12, 0, 0);

interface Run {
  points: Point[];
  notified: AlertNotification[];
  onNats: string[];
  published: { topic: string; payload: unknown }[];
  anomalies: AnalysisAnomaly[];
  logs: string[];
  handle: AnalysisHandle;
}

const recordingLog = (logs: string[]): Logger => {
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) => logs.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`);
  return { log: (l, e, f) => at(l)(e, f), info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
};

/** Feeds the scenario through the window engine into the stage, in event-time order. */
async function run(s: Scenario, settings: Partial<AlertSettings> = {}, sinkWrite?: (p: readonly Point[]) => void, claim?: (key: string) => Promise<boolean>): Promise<Run> {
  const window$ = new Subject<WindowResult>();
  const out = { points: [] as Point[], notified: [] as AlertNotification[], onNats: [] as string[], published: [] as Run['published'], anomalies: [] as AnalysisAnomaly[], logs: [] as string[] };
  const recorder: Notifier = { name: 'recorder', notify: async (n) => void out.notified.push(n) };
  const handle = await startAnalysis({
    window$,
    sink: { write: sinkWrite ?? ((p) => void out.points.push(...p)) },
    natsPublish: (subject, data) => void out.onNats.push(`${subject} ${new TextDecoder().decode(data)}`),
    settings: { forMs: 30_000, ...settings },
    log: recordingLog(out.logs),
    notifiers: [recorder],
    claim,
  });
  handle.anomaly$.subscribe((a) => out.anomalies.push(a));
  // The live feed as the collector wires it, into a hub that records what it is given.
  const hub = { publish: (topic: string, payload: unknown) => out.published.push({ topic, payload }) } as unknown as LiveHub;
  connectLiveFeed(hub, { window$: new Subject<WindowResult>(), anomaly$: handle.anomaly$, alert$: handle.alert$, forecast$: handle.forecast$ });
  const engine = new WindowEngine({ allowedLatenessMs: 500, idleGraceMs: 1000, replica: '0' });
  const wall = Date.now();
  for (const e of scenarioEvents(s)) {
    engine.add(e, Number(BigInt(e.ts_ns) / 1_000_000n), wall);
    for (const w of engine.advance(wall)) window$.next(w);
  }
  for (const w of engine.advance(wall + 24 * 3600 * S)) window$.next(w);
  window$.complete();
  await handle.stop();
  return { ...out, handle };
}

const at = (p: Point): number => Number(BigInt(p.timestampNs) / 1_000_000n) - base;
const overall = (p: Point) => p.tags.agent === '*' && p.tags.model_version === '*';

test('a slow stretch: pending at the first slow window, firing after the for-duration, one notice each, resolved at the first healthy one', async () => {
  const r = await run({ base, end: 500 * S, slow: { from: 300 * S, to: 400 * S } });
  const points = r.points.filter((p) => p.measurement === 'alert' && p.tags.rule === 'latency_p95_above_target' && p.tags.key === 'overall');
  const states = points.filter((p) => !('ends_ms' in p.fields));
  assert.deepEqual(
    states.map((p) => [p.tags.state, at(p) / S]),
    [['pending', 310], ['firing', 340], ['resolved', 410]],
  );
  // On resolving, the firing point gets its end: the board draws the episode as a region.
  assert.deepEqual(points.filter((p) => 'ends_ms' in p.fields).map((p) => [p.tags.state, at(p) / S, (Number(p.fields.ends_ms) - base) / S]), [['firing', 340, 410]]);
  assert.equal(states[1].tags.severity, 'warning');
  const told = r.notified.filter((n) => n.rule === 'latency_p95_above_target' && n.key === 'overall');
  assert.deepEqual(told.map((n) => n.status), ['firing', 'resolved']);
  // The same two went out on NATS, on the alerts subject.
  const nats = r.onNats.filter((l) => l.startsWith('starwatch.v1.alerts ') && l.includes('"rule":"latency_p95_above_target","key":"overall"'));
  assert.equal(nats.length, 2);
  // Live feed: every state change on `alerts`, in the LiveAlert shape.
  const live = r.published.filter((p) => p.topic === 'alerts' && (p.payload as { rule: string; key: string }).rule === 'latency_p95_above_target' && (p.payload as { key: string }).key === 'overall');
  assert.deepEqual(live.map((p) => (p.payload as { kind: string }).kind).filter((k) => k !== 'updated'), ['pending', 'firing', 'resolved']);
  assert.equal(r.handle.stats().failures, 0);
});

test('replicas judging the same windows come to the same notification keys: the claim lets one of them tell each', async () => {
  const s: Scenario = { base, end: 500 * S, slow: { from: 300 * S, to: 400 * S } };
  const claimed: string[] = [];
  const claim = async (key: string) => !claimed.includes(key) && claimed.push(key) > 0;
  const first = await run(s, {}, undefined, claim);
  const second = await run(s, {}, undefined, claim);
  const latency = first.notified.filter((n) => n.rule === 'latency_p95_above_target' && n.key === 'overall');
  assert.deepEqual(latency.map((n) => n.status), ['firing', 'resolved']);
  assert.ok(first.notified.length > 0);
  assert.deepEqual(second.notified, [], 'the same keys: already claimed');
  assert.equal(claimed.length, first.notified.length, 'one key per notification');
  // Each notification is claimed, not each notifier: NATS and the recorder both told by the claimant.
  assert.equal(first.onNats.length, first.notified.length);
  const refused = await run(s, {}, undefined, async () => false);
  assert.deepEqual([refused.notified, refused.onNats], [[], []]);
});

test('a shorter slow stretch than the for-duration is cancelled, never notified, and stored as resolved', async () => {
  const r = await run({ base, end: 400 * S, slow: { from: 300 * S, to: 320 * S } });
  const states = r.points.filter((p) => p.measurement === 'alert' && p.tags.rule === 'latency_p95_above_target' && p.tags.key === 'overall');
  assert.deepEqual(states.map((p) => p.tags.state), ['pending', 'resolved']);
  assert.match(String(states[1].fields.message), /^cancelled before firing/);
  assert.equal(r.notified.filter((n) => n.rule === 'latency_p95_above_target').length, 0);
});

test('a burst from one agent is pinned on the agent (and its model version), a burst of one method everywhere on the method', async () => {
  const oneAgent = await run({ base, end: 400 * S, burst: { from: 330 * S, to: 350 * S, method: 'raw', agents: ['agent-b'] } });
  const a = oneAgent.anomalies.find((x) => x.series === 'stego_rate' && x.model_version === '*');
  assert.ok(a, 'stego_rate flagged');
  assert.equal(a.ts, base + 330 * S);
  const dims = (a.root_cause as { dim: string; value: string; succinct: boolean }[]).filter((d) => d.succinct);
  assert.deepEqual(new Set(dims.map((d) => `${d.dim}=${d.value}`)), new Set(['agent=agent-b', 'model_version=v4.1.0', 'method=raw']));

  const everywhere = await run({ base, end: 400 * S, burst: { from: 330 * S, to: 350 * S, method: 'raw', agents: ['agent-a', 'agent-b'] } });
  const b = everywhere.anomalies.find((x) => x.series === 'stego_rate' && x.model_version === '*');
  assert.ok(b);
  const ranking = b.root_cause as { dim: string; value: string; succinct: boolean; basis: string }[];
  assert.equal(`${ranking[0].dim}=${ranking[0].value}`, 'method=raw');
  // Noise can let one agent seem to explain much of it too, but never as surprisingly.
  const surprise = (d: unknown) => (d as { surprise: number }).surprise;
  assertAll(ranking.slice(1), (d) => surprise(d) < surprise(ranking[0]) / 2, 'every other dimension far less surprising');
  assert.deepEqual(ranking.filter((d) => d.basis === 'traffic_mix').map((d) => d.dim).sort(), ['format', 'size_bucket']);
  // The stored point carries the same ranking, and the live feed got the anomaly.
  const stored = everywhere.points.find((p) => p.measurement === 'anomaly' && overall(p) && p.tags.series === 'stego_rate' && p.fields.is_anomaly === true);
  assert.ok(stored);
  assert.deepEqual(JSON.parse(String(stored.fields.root_cause)), ranking);
  assert.ok(everywhere.published.some((p) => p.topic === 'anomalies' && (p.payload as AnalysisAnomaly).series === 'stego_rate'));
});

test('every watched series is scored each window; drift and forecasts are written once they have history', async () => {
  const r = await run({ base, end: 900 * S, burst: { from: 780 * S, to: 810 * S, method: 'exif', agents: ['agent-a', 'agent-b'] } });
  const series = new Set(r.points.filter((p) => p.measurement === 'anomaly' && overall(p)).map((p) => p.tags.series));
  for (const s of ['latency_p95', 'error_rate', 'request_rate', 'stego_rate', 'stego_rate/alpha', 'mean_prob', 'drift_prediction', 'drift_input'])
    assert.ok(series.has(s), `series ${s} in ${[...series]}`);
  // Unflagged points carry no root cause.
  assertAll(r.points.filter((p) => p.measurement === 'anomaly' && p.fields.is_anomaly === false), (p) => p.fields.root_cause === undefined, 'unflagged points without root cause');

  const drift = r.points.filter((p) => p.measurement === 'drift' && overall(p) && p.tags.facet === 'stego_prob');
  // The reference is the first 60 windows; then 1 min is pooled and judged from 100 events on.
  assert.equal(at(drift[0]), 620 * S);
  const psiAt = (t: number) => Number(drift.find((p) => at(p) === t)!.fields.psi);
  assert.ok(psiAt(800 * S) > 0.25 && psiAt(700 * S) < 0.05, `psi ${psiAt(700 * S)} -> ${psiAt(800 * S)}`);

  const forecasts = r.points.filter((p) => p.measurement === 'forecast' && p.tags.model_version === '*' && p.tags.series === 'latency_p95');
  assertAll(forecasts, (p) => Number(p.fields.lower) <= Number(p.fields.yhat) && Number(p.fields.yhat) <= Number(p.fields.upper), 'forecast inside its band');
  assert.ok(r.published.some((p) => p.topic === 'forecasts'));
});

test('a forecast heading over the threshold gets its time to threshold, shrinking as it nears', async () => {
  // p95 climbs 0.15 ms a minute from 2.4 ms; the 5 ms threshold is reached near minute 17.
  const r = await run({ base, end: 14 * 60 * S, latencyRampPerMin: 0.15 });
  const byRefresh = new Map<number, number>();
  for (const p of r.points)
    if (p.measurement === 'forecast' && p.tags.series === 'latency_p95' && p.tags.model_version === '*' && p.fields.tt_threshold_s !== undefined)
      byRefresh.set(at(p) - Number(p.fields.horizon_s) * S, Number(p.fields.tt_threshold_s));
  const tts = [...byRefresh.entries()].sort((a, b) => a[0] - b[0]).map(([, tt]) => tt);
  assert.ok(tts.length >= 2, `refreshes with a crossing: ${tts}`);
  const [first, last] = [tts[0], tts[tts.length - 1]];
  assert.ok(last < first, `time to threshold shrinks: ${tts}`);
  // Last point: minute 13 at ~4.4 ms, so about 4 minutes to go.
  assert.ok(last > 60 && last < 600, `last time to threshold ${last} s`);
  // A flat series never crosses: no time to threshold at all.
  const flat = await run({ base, end: 14 * 60 * S });
  assertAll(flat.points.filter((p) => p.measurement === 'forecast'), (p) => p.fields.tt_threshold_s === undefined, 'flat forecasts without time to threshold');
});

test('a bad baseline file stops the start with its typed error; a good one adds regression rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'analysis-baseline-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"fpr": 7}');
    await assert.rejects(
      startAnalysis({ window$: new Subject(), sink: { write() {} }, natsPublish() {}, settings: { baselineFile: bad }, log: recordingLog([]) }),
      (e: Error & { code?: string }) => e.code === 'baseline_invalid',
    );
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"kind": "starwatch-validate-baseline", "v": 1, "model": null, "dataset": null, "created": null, "fpr": null, "detection": {}, "latency_p95_ms": 1.5}');
    const r = await run({ base, end: 200 * S }, { baselineFile: good });
    const regressions = r.points.filter((p) => p.measurement === 'alert' && p.tags.rule === 'latency_p95_regression' && p.tags.key === 'overall');
    assert.deepEqual(regressions.map((p) => p.tags.state).slice(0, 2), ['pending', 'firing'], '2.4 ms > 1.2 x 1.5 ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing sink write is counted and logged; the stage carries on with the next window', async () => {
  let calls = 0;
  const points: Point[] = [];
  const r = await run({ base, end: 120 * S }, {}, (p) => {
    calls++;
    if (calls === 3) throw new Error('sink exploded');
    points.push(...p);
  });
  assert.equal(r.handle.stats().failures, 1);
  assert.ok(r.logs.some((l) => l.startsWith('warn analysis_failed') && l.includes('sink exploded')));
  assert.ok(points.some((p) => p.measurement === 'anomaly' && at(p) === 110 * S), 'later windows still analysed');
});

test('the webhook URL (a secret) is never logged, even when the webhook fails', async () => {
  const secretUrl = 'http://127.0.0.1:9/hooks/T000/B000/VERYSECRET';
  const r = await run({ base, end: 80 * S, slow: { from: 20 * S, to: 60 * S } }, { webhookUrl: secretUrl, groupWaitMs: 0 });
  assert.ok(r.logs.some((l) => l.includes('alert_notify_failed')), 'the webhook failed (nothing listens on port 9)');
  assert.ok(r.logs.some((l) => l.includes('[redacted]')));
  assert.ok(!r.logs.some((l) => l.includes('VERYSECRET')), r.logs.filter((l) => l.includes('VERY')).join('\n'));
  assert.ok(r.handle.stats().notificationsFailed > 0);
});
