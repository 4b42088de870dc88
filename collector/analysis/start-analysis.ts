// startAnalysis(deps): the one call the collector makes. Loads the optional baseline (a bad one
// stops the start with its typed error: BaselineError baseline_unreadable / baseline_invalid),
// builds the notifiers and the alert machinery, and runs the stage on the closed windows.
import type { Observable } from 'rxjs';
import { loadBaseline } from '../alerts/baseline.ts';
import { AlertDispatcher } from '../alerts/dispatcher.ts';
import type { Publish } from '../alerts/nats-notifier.ts';
import type { Notifier } from '../alerts/notification.ts';
import { RULE_DEFAULTS, type RuleOptions } from '../alerts/rules.ts';
import { AlertStateMachine } from '../alerts/state-machine.ts';
import type { Alert, AlertTransition } from '../alerts/types.ts';
import type { SavedReference } from '../drift/drift-monitor.ts';
import type { Logger } from '../log.ts';
import type { PointSink } from '../sinks/sink.ts';
import type { WindowResult } from '../windows/window-result.ts';
import type { SeriesForecast } from './forecasts.ts';
import { makeNotifiers } from './notifiers.ts';
import { ALERT_DEFAULTS, TUNING_DEFAULTS, type AlertSettings, type AnalysisTuning } from './settings.ts';
import { AnalysisStage, type AnalysisAnomaly, type AnalysisStats } from './stage.ts';

export interface AnalysisDeps {
  window$: Observable<WindowResult>;
  /** The collector's sink: anomaly, drift, forecast and alert points go through it. */
  sink: Pick<PointSink, 'write'>;
  /** Publishes on the collector's NATS connection; alert notifications go to starwatch.v1.alerts. */
  natsPublish: Publish;
  settings?: Partial<AlertSettings>;
  log: Logger;
  /** The live hub's publish (topics anomalies, alerts, forecasts), when there is one. */
  publish?: (topic: string, payload: unknown) => void;
  /** More notifiers besides the configured ones. */
  notifiers?: Notifier[];
  tuning?: Partial<AnalysisTuning>;
  /** Drift references saved before a restart (collector/drift/reference-store.ts). */
  driftReferences?: ReadonlyMap<string, SavedReference>;
}

export interface AnalysisHandle {
  /** Flagged anomalies with their root cause; alert transitions; forecast refreshes. */
  anomaly$: Observable<AnalysisAnomaly>;
  alert$: Observable<AlertTransition>;
  forecast$: Observable<SeriesForecast>;
  /** Pending and firing alerts, and recently resolved ones. */
  alerts(): Alert[];
  stats(): AnalysisStats & { notificationsSent: number; notificationsFailed: number };
  stop(): Promise<void>;
}

export async function startAnalysis(deps: AnalysisDeps): Promise<AnalysisHandle> {
  const settings: AlertSettings = { ...ALERT_DEFAULTS, ...definedOnly(deps.settings ?? {}) };
  const baseline = settings.baselineFile ? await loadBaseline(settings.baselineFile) : undefined;
  const rules: Partial<RuleOptions> = {
    targets: {
      fprMax: settings.fprMax,
      latencyP95MaxMs: settings.latencyP95MaxMs,
      detectionMin: settings.detectionMin,
      methodImbalanceMax: settings.methodImbalanceMax,
    },
    factors: RULE_DEFAULTS.factors,
    forMs: settings.forMs,
    baseline,
  };
  const notifiers = [...(await makeNotifiers(settings, deps.natsPublish, deps.log)), ...(deps.notifiers ?? [])];
  const dispatcher = new AlertDispatcher(notifiers, (line) => deps.log.warn('alert_notify_failed', { detail: line }));
  const machine = new AlertStateMachine();
  const stage = new AnalysisStage({
    sink: deps.sink,
    log: deps.log,
    machine,
    dispatcher,
    rules,
    settings,
    tuning: { ...TUNING_DEFAULTS, ...deps.tuning },
    publish: deps.publish,
    driftReferences: deps.driftReferences,
  });
  stage.start(deps.window$);
  deps.log.info('analysis_started', { baseline: baseline !== undefined, for_ms: settings.forMs });
  return {
    anomaly$: stage.anomaly$.asObservable(),
    alert$: stage.alert$.asObservable(),
    forecast$: stage.forecast$.asObservable(),
    alerts: () => machine.list(),
    stats: () => ({ ...stage.counts, notificationsSent: dispatcher.counts.sent, notificationsFailed: dispatcher.counts.failed }),
    stop: () => stage.stop(),
  };
}

/** Config leaves unset optional settings undefined; they must not override the defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
