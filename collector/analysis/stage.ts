// The analysis stage on the closed-window stream. Per window start it waits for the whole group
// (the per-(model, agent) windows come first, the overall window `*`/`*` last), then:
// - detect granularity (10 s), per scope (overall, and each model version over all agents):
//   detectors on each series, drift against the reference period, a root-cause ranking for each
//   flagged series, the alert rules through the state machine (time = the window's end, in event
//   time, so for-durations hold for replayed data too), and notifications;
// - forecast granularity (1 min), same scopes: forecasts with intervals and time to threshold.
// Everything is written to the sink and offered on anomaly$, alert$, forecast$ (and `publish`).
import { Subject, type Observable, type Subscription } from 'rxjs';
import { TOPICS, type LiveAnomaly } from '../../schemas/live.ts';
import { ALL } from '../../schemas/measurements.ts';
import type { AlertDispatcher } from '../alerts/dispatcher.ts';
import { evaluateRules, type RuleOptions } from '../alerts/rules.ts';
import type { QualitySnapshot } from '../alerts/snapshot.ts';
import type { AlertStateMachine } from '../alerts/state-machine.ts';
import type { AlertCondition, AlertTransition } from '../alerts/types.ts';
import { detectorForKind, type SeriesKind } from '../detect/factory.ts';
import type { AnomalyPoint, Detector } from '../detect/types.ts';
import { DriftMonitor, type DriftReport } from '../drift/drift-monitor.ts';
import { liveAlert } from '../live/feed.ts';
import type { Logger } from '../log.ts';
import type { Point } from '../sinks/point.ts';
import type { PointSink } from '../sinks/sink.ts';
import type { WindowResult } from '../windows/window-result.ts';
import { driftFacets } from './drift-facets.ts';
import { SeriesForecaster, type SeriesForecast, type Threshold } from './forecasts.ts';
import { alertPoint, anomalyPoint, driftPoint, forecastPoints, isStateChange, type Scope } from './points.ts';
import { rootCause, type Leaves, type RootCauseDimension } from './root-cause.ts';
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
  rules: Partial<RuleOptions>;
  settings: AlertSettings;
  tuning: AnalysisTuning;
  publish?: (topic: string, payload: unknown) => void;
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
  private delivery: Promise<unknown> = Promise.resolve();
  private subscription: Subscription | null = null;

  constructor(private readonly p: StageParts) {}

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
    for (const w of group.filter((r) => r.agent === ALL)) {
      if (!this.isNew(`d${SEP}${w.model_version}`, w.start)) continue;
      const snapshot = this.detectScope(w, leaves, points);
      conditions.push(...evaluateRules(snapshot, this.p.rules));
    }
    this.history.push(leaves);
    if (this.history.length > this.p.tuning.rootCauseBaselineWindows) this.history.shift();
    const transitions = this.p.machine.evaluate(conditions, end);
    for (const t of transitions) this.onTransition(t, end, points);
    this.p.sink.write(points);
    if (transitions.length > 0) this.deliver(transitions);
  }

  /** Detectors, drift and root cause for one scope; returns what the alert rules look at. */
  private detectScope(w: WindowResult, leaves: Leaves, points: Point[]): QualitySnapshot {
    const scope: Scope = { granularity: w.granularity, agent: ALL, model_version: w.model_version };
    const report = this.driftMonitor(w.model_version).update({ ts: w.start, facets: driftFacets(w.acc) });
    for (const [facet, d] of Object.entries(report.facets)) points.push(driftPoint(facet, scope, w.start, d));
    const series: SeriesValue[] = [...seriesOf(w), ...driftSeries(report)];
    const anomalies: Record<string, AnomalyPoint> = {};
    for (const s of series) {
      const verdict = this.detector(w.model_version, s.name, s.kind).update(w.start, s.value);
      anomalies[s.name] = verdict;
      const cause = verdict.isAnomaly ? this.causeOf(s.name, w, leaves, report) : null;
      points.push(anomalyPoint(s.name, scope, w.start, verdict, cause));
      if (verdict.isAnomaly) this.onAnomaly(s.name, scope, verdict, cause);
    }
    return qualitySnapshot(w, anomalies);
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
    this.p.publish?.(TOPICS.anomalies, live);
  }

  private onTransition(t: AlertTransition, ts: number, points: Point[]): void {
    this.counts.alertTransitions++;
    if (isStateChange(t)) {
      points.push(alertPoint(t, ts));
      this.p.log.info('alert_transition', { kind: t.kind, rule: t.alert.ruleId, key: t.alert.key, severity: t.alert.severity });
    }
    this.alert$.next(t);
    this.p.publish?.(TOPICS.alerts, liveAlert(t));
  }

  /** In order, one batch after the other, so a resolve never overtakes its firing. */
  private deliver(transitions: AlertTransition[]): void {
    this.delivery = this.delivery
      .then(() => this.p.dispatcher.dispatch(transitions))
      .catch((e: Error) => this.p.log.warn('alert_dispatch_failed', { error: e.message }));
  }

  private forecastGroup(group: WindowResult[]): void {
    const points: Point[] = [];
    for (const w of group.filter((r) => r.agent === ALL)) {
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
        this.p.publish?.(TOPICS.forecasts, forecast);
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
      m = new DriftMonitor({ referenceWindows: t.driftReferenceWindows, currentWindows: t.driftCurrentWindows, minSamples: t.driftMinSamples });
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

function thresholdOf(series: string, s: AlertSettings): Threshold | undefined {
  if (series === 'fpr') return { value: s.fprMax, label: 'FPR', text: `${(s.fprMax * 100).toFixed(3)}%` };
  if (series === 'latency_p95') return { value: s.latencyP95MaxMs, label: 'p95 latency', text: `${s.latencyP95MaxMs} ms` };
  return undefined;
}
