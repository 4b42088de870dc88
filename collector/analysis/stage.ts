// The analysis stage on the closed-window stream. Per window start it waits for the whole group
// (the per-(model, agent) windows come first, the overall window `*`/`*` last), then:
// - detect granularity (10 s), per scope (overall, and each model version over all agents):
//   detectors on each series, drift against the reference period, a root-cause ranking for each
//   flagged series, the alert rules through the state machine (time = the window's end, in event
//   time, so for-durations hold for replayed data too), and notifications;
// - forecast granularity (1 min), same scopes: forecasts with intervals and time to threshold.
// Everything is written to the sink and offered on anomaly$, alert$, forecast$ (the live feed
// subscribes to those: collector/live/feed.ts).
import { IdleKeys } from './idle-keys.ts';
import { NewScopeBudget } from './new-scope-budget.ts';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { LiveAnomaly } from '../../schemas/live.ts';
import { ALL } from '../../schemas/measurements.ts';
import type { AlertDispatcher } from '../alerts/dispatcher.ts';
import { groupNotification, type AlertNotification } from '../alerts/notification.ts';
import { notificationKey } from '../alerts/notification-key.ts';
import type { GroupedNotice, NotificationRouter } from '../alerts/router.ts';
import { evaluateRules, RULE_DEFAULTS, type RuleOptions } from '../alerts/rules.ts';
import { standingCondition } from '../alerts/standing.ts';
import type { QualitySnapshot } from '../alerts/snapshot.ts';
import type { AlertStateMachine } from '../alerts/state-machine.ts';
import type { AlertCondition, AlertTransition } from '../alerts/types.ts';
import { detectorForKind, type SeriesKind } from '../detect/factory.ts';
import type { AnomalyPoint, Detector } from '../detect/types.ts';
import { DriftMonitor, type DriftReport, type SavedReference } from '../drift/drift-monitor.ts';
import { referencePoint } from '../drift/reference-store.ts';
import type { Logger } from '../log.ts';
import type { Point } from '../sinks/point.ts';
import type { PointSink } from '../sinks/sink.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { driftFacets } from './drift-facets.ts';
import { EvidencePool } from './evidence-pool.ts';
import { SeriesForecaster, type SeriesForecast, type Threshold } from './forecasts.ts';
import { alertPoint, alertRegionPoint, anomalyPoint, driftPoint, forecastPoints, isStateChange, type Scope } from './points.ts';
import { rootCause, type Leaves, type RootCauseDimension } from './root-cause.ts';
import { sampleSizeOf } from './sample-size.ts';
import { DRIFT_SERIES, seriesOf, type SeriesValue } from './series.ts';
import type { AlertSettings, AnalysisTuning } from './settings.ts';

/** An `anomalies` live update: the flagged verdict with its root-cause ranking. */
export interface AnalysisAnomaly extends LiveAnomaly {
  root_cause: RootCauseDimension[] | DriftCause[] | null;
}

/** Root cause of a drift series: its facets, most shifted first. */
export interface DriftCause {
  dim: 'facet';
  value: string;
  basis: 'drift';
  psi: number;
  js: number;
  level: string;
}

export interface AnalysisStats {
  windows: number;
  anomalies: number;
  alertTransitions: number;
  forecasts: number;
  failures: number;
}

export interface StageParts {
  sink: Pick<PointSink, 'write'>;
  log: Logger;
  machine: AlertStateMachine;
  dispatcher: AlertDispatcher;
  /** Groups, inhibits and silences what the machine's alerts tell people. */
  router: NotificationRouter;
  /** Called after each evaluation that changed alert or notification state (to persist it). */
  onStateChange?: () => void;
  /** Replica mode: a notification is sent only if this claims its key first (see AnalysisDeps.claim). */
  claim?: (key: string) => Promise<boolean>;
  rules: Partial<RuleOptions>;
  settings: AlertSettings;
  tuning: AnalysisTuning;
  /** Drift references saved before a restart, per model version. */
  driftReferences?: ReadonlyMap<string, SavedReference>;
  /** Called once a drift monitor has learned its reference (to keep it across restarts). */
  onDriftReference?: (modelVersion: string, granularity: string, saved: SavedReference) => void;
}

const SEP = '\u0000';
const FORECAST_SERIES = ['latency_p95', 'fpr', 'error_rate', 'request_rate'] as const;

export class AnalysisStage {
  readonly anomaly$ = new Subject<AnalysisAnomaly>();
  readonly alert$ = new Subject<AlertTransition>();
  readonly forecast$ = new Subject<SeriesForecast>();
  readonly counts: AnalysisStats = { windows: 0, anomalies: 0, alertTransitions: 0, forecasts: 0, failures: 0 };
  private readonly groups = new Map<string, WindowResult[]>();
  private readonly detectors = new Map<string, Detector>();
  private readonly drift = new Map<string, DriftMonitor>();
  private readonly forecasters = new Map<string, SeriesForecaster>();
  private readonly lastStart = new Map<string, number>();
  private readonly history: Leaves[] = [];
  /** Root cause of each firing alert, by alert id, until it resolves (one per firing alert). */
  private readonly firingCauses = new Map<string, RootCauseDimension[]>();
  private readonly idle: IdleKeys;
  private readonly newScopes: NewScopeBudget;
  private readonly evidence = new Map<string, EvidencePool>();
  private delivery: Promise<unknown> = Promise.resolve();
  private subscription: Subscription | null = null;

  constructor(private readonly p: StageParts) {
    this.idle = new IdleKeys(p.tuning.keyIdleMs);
    this.newScopes = new NewScopeBudget(p.tuning.newScopesPerWindow);
  }

  /** New scopes left to later windows (analysis.newScopesPerWindow). */
  get scopesDeferred(): number {
    return this.newScopes.deferred;
  }

  /** Per-key state held (detectors, drift monitors, forecasters, time marks): bounded by the idle sweep. */
  get keysTracked(): number {
    return this.detectors.size + this.drift.size + this.forecasters.size + this.lastStart.size;
  }

  start(window$: Observable<WindowResult>): void {
    this.subscription = window$.subscribe({ next: (w) => this.onWindow(w), complete: () => this.complete() });
  }

  /** Stops listening and waits for notifications already under way. */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    this.complete();
    await this.delivery;
  }

  /** Never throws into the pipeline: a failure is counted and logged, the next window goes on. */
  onWindow(w: WindowResult): void {
    const g = w.granularity;
    if (g !== this.p.tuning.detectGranularity && g !== this.p.tuning.forecastGranularity) return;
    const id = `${g}@${w.start}`;
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = []));
    group.push(w);
    if (w.agent !== ALL || w.model_version !== ALL) return;
    this.groups.delete(id);
    this.counts.windows++;
    for (const r of group) if (r.agent === ALL) for (const model of this.idle.seen(r.model_version, r.start)) this.forget(model);
    try {
      if (g === this.p.tuning.detectGranularity) this.detectGroup(group);
      if (g === this.p.tuning.forecastGranularity) this.forecastGroup(group);
    } catch (e) {
      this.counts.failures++;
      this.p.log.warn('analysis_failed', { granularity: g, start: w.start, error: (e as Error).message });
    }
  }

  private detectGroup(group: WindowResult[]): void {
    const leaves = group.filter((w) => w.agent !== ALL && w.model_version !== ALL);
    const end = group[group.length - 1].end;
    const conditions: AlertCondition[] = [];
    const points: Point[] = [];
    const scopes = group.filter((r) => r.agent === ALL);
    // Inhibition of identical scopes: when one model serves all traffic, its scope is `overall`
    // again; judging both would tell every alert twice.
    const models = scopes.filter((w) => w.model_version !== ALL).map((w) => w.model_version);
    const oneModel = models.length === 1;
    this.newScopes.reset();
    for (const w of scopes) {
      if (!this.newScopes.admit(w.model_version !== ALL && !this.drift.has(w.model_version))) continue;
      if (!this.isNew(`d${SEP}${w.model_version}`, w.start)) continue;
      const snapshot = this.detectScope(w, leaves, points);
      if (oneModel && w.model_version !== ALL) continue;
      const model = w.model_version === ALL ? (oneModel ? models[0] : null) : w.model_version;
      conditions.push(...evaluateRules(snapshot, this.rulesFor(model)));
    }
    const standing = standingCondition(this.p.rules.baseline, this.p.rules.targets ?? RULE_DEFAULTS.targets);
    if (standing) conditions.push(standing);
    this.history.push(leaves);
    if (this.history.length > this.p.tuning.rootCauseBaselineWindows) this.history.shift();
    const transitions = this.p.machine.evaluate(conditions, end);
    for (const t of transitions) this.onTransition(t, end, points, t.kind === 'firing' ? this.alertCause(t.alert, group, leaves) : null);
    this.p.sink.write(points);
    const notices = this.p.router.route(this.p.machine.list(), end);
    if (notices.length > 0) this.deliver(notices.map((n) => this.notificationOf(n, group, leaves)), end);
    if (transitions.length > 0 || notices.length > 0) this.p.onStateChange?.();
  }

  /**
   * A baseline judges only the model it was measured on (any model when it names none): another
   * model, or a mix of models in `overall`, is judged against the targets alone.
   */
  private rulesFor(model: string | null): Partial<RuleOptions> {
    const b = this.p.rules.baseline;
    if (!b?.model || b.model === model) return this.p.rules;
    return { ...this.p.rules, baseline: undefined };
  }

  /** A group's notification with the root-cause ranking of its figure and a link to the board. */
  private notificationOf(notice: GroupedNotice, group: WindowResult[], leaves: Leaves): AlertNotification {
    const cause = this.alertCause(notice.lead, group, leaves);
    return groupNotification(notice, { rootCause: cause, link: boardLink(this.p.settings.boardUrl, notice.lead) });
  }

  /** The root-cause ranking of the figure an alert is about, in this window group (null: none). */
  private alertCause(alert: { ruleId: string; key: string }, group: WindowResult[], leaves: Leaves): RootCauseDimension[] | null {
    const series = seriesOfRule(alert.ruleId, alert.key);
    const scope = alert.key.split('/')[0];
    const model = scope.startsWith('model:') ? scope.slice('model:'.length) : ALL;
    const w = group.find((r) => r.agent === ALL && r.model_version === model);
    try {
      return series && w ? rootCause(series, model, leaves, this.history) : null;
    } catch {
      return null; // a ranking is a help, never a reason to hold a notification or a point back
    }
  }

  /** Detectors, drift and root cause for one scope; returns what the alert rules look at. */
  private detectScope(w: WindowResult, leaves: Leaves, points: Point[]): QualitySnapshot {
    const scope: Scope = { granularity: w.granularity, agent: ALL, model_version: w.model_version };
    const drift = this.driftMonitor(w.model_version);
    const learning = !drift.ready;
    const report = drift.update({ ts: w.start, facets: driftFacets(w.acc) });
    const saved = learning ? drift.saved() : null;
    if (saved) {
      points.push(referencePoint(w.model_version, w.granularity, saved)); // drawn, and read back on 1.x
      this.p.onDriftReference?.(w.model_version, w.granularity, saved);
    }
    for (const [facet, d] of Object.entries(report.facets)) points.push(driftPoint(facet, scope, w.start, d));
    const series: SeriesValue[] = [...seriesOf(w), ...driftSeries(report)];
    const anomalies: Record<string, AnomalyPoint> = {};
    for (const s of series) {
      const verdict = this.detector(w.model_version, s.name, s.kind).update(w.start, s.value, sampleSizeOf(s.name, s.kind, w.acc));
      anomalies[s.name] = verdict;
      const cause = verdict.isAnomaly ? this.causeOf(s.name, w, leaves, report) : null;
      points.push(anomalyPoint(s.name, scope, w.start, verdict, cause));
      if (verdict.isAnomaly) this.onAnomaly(s.name, scope, verdict, cause);
    }
    return { ...qualitySnapshot(w, anomalies), counts: this.evidencePool(w.model_version).add(w.acc) };
  }

  private evidencePool(model: string): EvidencePool {
    let pool = this.evidence.get(model);
    if (!pool) this.evidence.set(model, (pool = new EvidencePool(this.p.settings.evidenceWindows)));
    return pool;
  }

  private causeOf(series: string, w: WindowResult, leaves: Leaves, report: DriftReport): RootCauseDimension[] | DriftCause[] | null {
    if (series === DRIFT_SERIES.prediction || series === DRIFT_SERIES.input) return driftCause(report);
    return rootCause(series, w.model_version, leaves, this.history);
  }

  private onAnomaly(series: string, scope: Scope, v: AnomalyPoint, cause: AnalysisAnomaly['root_cause']): void {
    this.counts.anomalies++;
    const live: AnalysisAnomaly = {
      series,
      detector: v.detector,
      ...scope,
      ts: v.ts,
      value: v.value,
      expected: v.expected,
      score: v.score,
      is_anomaly: true,
      root_cause: cause,
    };
    this.anomaly$.next(live);
  }

  /**
   * `cause`: the ranking when the alert fires. It is kept until the alert resolves, so the region
   * point repeats it (after a restart it is not known; the firing point, same series and time, still has it).
   */
  private onTransition(t: AlertTransition, ts: number, points: Point[], cause: RootCauseDimension[] | null): void {
    this.counts.alertTransitions++;
    if (isStateChange(t)) {
      if (cause) this.firingCauses.set(t.alert.id, cause);
      points.push(alertPoint(t, ts, cause));
      const region = alertRegionPoint(t, this.firingCauses.get(t.alert.id) ?? null);
      if (region) points.push(region);
      if (t.kind === 'resolved' || t.kind === 'cancelled') this.firingCauses.delete(t.alert.id);
      this.p.log.info('alert_transition', { kind: t.kind, rule: t.alert.ruleId, key: t.alert.key, severity: t.alert.severity });
    }
    this.alert$.next(t);
  }

  /** In order, one batch after the other, so a resolve never overtakes its firing. */
  private deliver(notifications: AlertNotification[], toldAt: number): void {
    this.delivery = this.delivery
      .then(() => this.claimed(notifications, toldAt))
      .then((mine) => this.p.dispatcher.sendAll(mine))
      .catch((e: Error) => this.p.log.warn('alert_dispatch_failed', { error: e.message }));
  }

  /** The notifications this replica claimed (all of them outside replica mode). */
  private async claimed(notifications: AlertNotification[], toldAt: number): Promise<AlertNotification[]> {
    const claim = this.p.claim;
    if (!claim) return notifications;
    const won = await Promise.all(notifications.map((n) => claim(notificationKey(n, toldAt))));
    return notifications.filter((_, i) => won[i]);
  }

  private forecastGroup(group: WindowResult[]): void {
    const points: Point[] = [];
    this.newScopes.reset();
    for (const w of group.filter((r) => r.agent === ALL)) {
      if (!this.newScopes.admit(w.model_version !== ALL && !this.lastStart.has(`f${SEP}${w.model_version}`))) continue;
      if (!this.isNew(`f${SEP}${w.model_version}`, w.start)) continue;
      const values = new Map(seriesOf(w).map((s) => [s.name, s.value]));
      for (const series of FORECAST_SERIES) {
        const value = values.get(series);
        if (value === undefined) continue;
        const result = this.forecaster(w.model_version, series).add(w.start, value);
        if (!result) continue;
        const forecast: SeriesForecast = { series, granularity: w.granularity, model_version: w.model_version, lastTs: w.start, lastValue: value, ...result };
        points.push(...forecastPoints(forecast));
        this.counts.forecasts++;
        this.forecast$.next(forecast);
      }
    }
    this.p.sink.write(points);
  }

  /** Windows of a scope must come in time order (a detector cannot go back). */
  private isNew(key: string, start: number): boolean {
    const last = this.lastStart.get(key);
    if (last !== undefined && start <= last) return false;
    this.lastStart.set(key, start);
    return true;
  }

  private detector(model: string, series: string, kind: SeriesKind): Detector {
    const key = model + SEP + series;
    let d = this.detectors.get(key);
    const warmup = this.p.tuning.detectorWarmupWindows;
    if (!d) this.detectors.set(key, (d = detectorForKind(kind, { robustZ: { warmup }, ewmaCusum: { warmup }, adaptive: { warmup } })));
    return d;
  }

  private driftMonitor(model: string): DriftMonitor {
    let m = this.drift.get(model);
    if (!m) {
      const t = this.p.tuning;
      const saved = this.p.driftReferences?.get(model);
      const baseline = saved ? { baseline: saved.counts, baselinePeriod: saved.period } : {};
      m = new DriftMonitor({ referenceWindows: t.driftReferenceWindows, currentWindows: t.driftCurrentWindows, minSamples: t.driftMinSamples, ...baseline });
      this.drift.set(model, m);
    }
    return m;
  }

  private forecaster(model: string, series: string): SeriesForecaster {
    const key = model + SEP + series;
    let f = this.forecasters.get(key);
    if (!f) {
      const t = this.p.tuning;
      f = new SeriesForecaster({
        horizon: t.forecastHorizon,
        history: t.forecastHistory,
        refitEvery: t.forecastRefitEvery,
        minPoints: t.forecastMinPoints,
        floorAtZero: true,
        threshold: thresholdOf(series, this.p.settings),
      });
      this.forecasters.set(key, f);
    }
    return f;
  }

  private forget(model: string): void {
    for (const map of [this.detectors, this.forecasters]) for (const key of map.keys()) if (key.startsWith(model + SEP)) map.delete(key);
    this.drift.delete(model);
    this.lastStart.delete(`d${SEP}${model}`);
    this.lastStart.delete(`f${SEP}${model}`);
  }

  private complete(): void {
    this.anomaly$.complete();
    this.alert$.complete();
    this.forecast$.complete();
  }
}

function driftSeries(report: DriftReport): SeriesValue[] {
  const out: SeriesValue[] = [];
  if (Number.isFinite(report.predictionPsi)) out.push({ name: DRIFT_SERIES.prediction, kind: 'drift_score', value: report.predictionPsi });
  if (Number.isFinite(report.inputPsi)) out.push({ name: DRIFT_SERIES.input, kind: 'drift_score', value: report.inputPsi });
  return out;
}

function driftCause(report: DriftReport): DriftCause[] {
  return Object.entries(report.facets)
    .map(([facet, d]) => ({ dim: 'facet' as const, value: facet, basis: 'drift' as const, psi: d.psi, js: d.js, level: d.level }))
    .sort((a, b) => b.psi - a.psi);
}

/** What the rules judge for one scope: its window's figures and this window's detector verdicts. */
export function qualitySnapshot(w: WindowResult, anomalies: Record<string, AnomalyPoint>): QualitySnapshot {
  const f = w.fields;
  const detectionByMethod: Record<string, number> = {};
  for (const [name, n] of Object.entries(f)) {
    const m = /^det_(.+)_n$/.exec(name);
    if (m && n > 0 && f[`det_${m[1]}`] !== undefined) detectionByMethod[m[1].replace('_', '.')] = f[`det_${m[1]}`];
  }
  return {
    ts: w.end,
    key: w.model_version === ALL ? 'overall' : `model:${w.model_version}`,
    fpr: f.fpr,
    detectionByMethod: Object.keys(detectionByMethod).length > 0 ? detectionByMethod : undefined,
    latencyP95Ms: f.latency_p95,
    anomalies,
  };
}

/** The watched series an alert's figure is, for its root-cause ranking. */
function seriesOfRule(ruleId: string, key: string): string | null {
  if (ruleId.startsWith('fpr')) return 'fpr';
  if (ruleId.startsWith('detection') || ruleId === 'method_imbalance') return 'detection_rate';
  if (ruleId.startsWith('latency')) return 'latency_p95';
  if (ruleId === 'anomaly') return key.slice(key.indexOf('/') + 1) || null;
  return null;
}

/** The board around the alert: 15 minutes before it fired up to 5 minutes after now. */
function boardLink(boardUrl: string | undefined, a: { firedAt: number | null; activeSince: number; lastEvaluatedAt: number }): string | undefined {
  if (!boardUrl) return undefined;
  const from = (a.firedAt ?? a.activeSince) - 15 * 60_000;
  const to = a.lastEvaluatedAt + 5 * 60_000;
  return `${boardUrl}${boardUrl.includes('?') ? '&' : '?'}from=${from}&to=${to}`;
}

function thresholdOf(series: string, s: AlertSettings): Threshold | undefined {
  if (series === 'latency_p95' && !Number.isFinite(s.latencyP95MaxMs)) return undefined;
  if (series === 'fpr') return { value: s.fprMax, label: 'FPR', text: `${(s.fprMax * 100).toFixed(3)}%` };
  if (series === 'latency_p95') return { value: s.latencyP95MaxMs, label: 'p95 latency', text: `${s.latencyP95MaxMs} ms` };
  return undefined;
}
