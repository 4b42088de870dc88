// startAnalysis(deps): the one call the collector makes. Loads the optional baseline (a bad one
// stops the start with its typed error: BaselineError baseline_unreadable / baseline_invalid),
// builds the notifiers and the alert machinery, and runs the stage on the closed windows.
import type { NatsConnection } from 'nats';
import type { Observable } from 'rxjs';
import { openKvAlertStore, StateSaver, type AlertStateDump, type AlertStore } from '../alerts/alert-store.ts';
import { loadBaseline } from '../alerts/baseline.ts';
import { AlertDispatcher } from '../alerts/dispatcher.ts';
import type { Publish } from '../alerts/nats-notifier.ts';
import type { Notifier } from '../alerts/notification.ts';
import { RULE_DEFAULTS, type RuleOptions } from '../alerts/rules.ts';
import { ALERT_LABELS, type AlertLabel } from '../alerts/labels.ts';
import { NotificationRouter } from '../alerts/router.ts';
import { ConfigError } from '../config-error.ts';
import { SilenceStore, type NewSilence, type Silence } from '../alerts/silences.ts';
import { AlertStateMachine } from '../alerts/state-machine.ts';
import type { Alert, AlertTransition } from '../alerts/types.ts';
import type { SavedReference } from '../drift/drift-monitor.ts';
import { openKvReferenceStore, type DriftReferenceStore } from '../drift/reference-kv.ts';
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
  /** More notifiers besides the configured ones. */
  notifiers?: Notifier[];
  tuning?: Partial<AnalysisTuning>;
  /** The collector's connection: alert state is kept in its KV bucket (alerts.stateBucket). */
  nats?: NatsConnection;
  /** This replica's name: each replica keeps its own alert state. */
  replica?: string;
  /** Drift references saved before a restart (collector/drift/reference-store.ts). */
  driftReferences?: ReadonlyMap<string, SavedReference>;
  /**
   * Replica mode: every replica runs the analysis on the same merged windows and so comes to the
   * same notifications; each is sent only by the replica that claims its key first
   * (collector/cluster/notify-claims.ts), so it is sent once, whichever replica dies.
   */
  claim?: (key: string) => Promise<boolean>;
}

/** Silences through the API and CLI; every change is saved with the alert state. */
export interface SilenceControl {
  add(s: NewSilence): Silence;
  expire(id: string): Silence;
  list(): Silence[];
}

export interface AnalysisHandle {
  /** Flagged anomalies with their root cause; alert transitions; forecast refreshes. */
  anomaly$: Observable<AnalysisAnomaly>;
  alert$: Observable<AlertTransition>;
  forecast$: Observable<SeriesForecast>;
  /** Pending and firing alerts, and recently resolved ones. */
  alerts(): Alert[];
  /** Per-key state the stage holds (bounded: idle model versions are forgotten). */
  keysTracked(): number;
  /** New model-version scopes left to later windows (analysis.newScopesPerWindow). */
  scopesDeferred(): number;
  stats(): AnalysisStats & { notificationsSent: number; notificationsFailed: number; notifications: number };
  silences: SilenceControl;
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
    keepFiringForMs: settings.keepFiringForMs,
    anomalyNotify: (settings.anomalyNotify ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  };
  const notifiers = [...(await makeNotifiers(settings, deps.natsPublish, deps.log)), ...(deps.notifiers ?? [])];
  const dispatcher = new AlertDispatcher(notifiers, (line) => deps.log.warn('alert_notify_failed', { detail: line }));
  const machine = new AlertStateMachine();
  const silences = new SilenceStore(settings.maxSilences);
  const { groupWaitMs, groupIntervalMs, repeatIntervalMs } = settings;
  const router = new NotificationRouter({ groupWaitMs, groupIntervalMs, repeatIntervalMs, groupBy: parseGroupBy(settings.groupBy) }, silences);
  const store = deps.nats && settings.stateBucket ? await openKvAlertStore(deps.nats, settings.stateBucket, deps.replica) : null;
  const restored = await loadState(store, deps.log);
  if (restored) {
    machine.restore(restored.alerts);
    router.restore(restored.groups);
    silences.restore(restored.silences);
    deps.log.info('alert_state_restored', { alerts: restored.alerts.length, groups: restored.groups.length, silences: restored.silences.length });
  }
  const dump = (): AlertStateDump => ({ v: 1, alerts: machine.dump(), groups: router.dump(), silences: silences.dump() });
  const saver = store ? new StateSaver(store, dump, (e) => deps.log.warn('alert_state_save_failed', { error: e.message })) : null;
  const saved = <T>(value: T): T => (saver?.request(), value);
  const tuning = { ...TUNING_DEFAULTS, ...deps.tuning };
  const references = deps.nats && settings.stateBucket ? await openKvReferenceStore(deps.nats, settings.stateBucket, deps.log) : null;
  const stage = new AnalysisStage({
    sink: deps.sink,
    log: deps.log,
    machine,
    dispatcher,
    router,
    onStateChange: () => saver?.request(),
    claim: deps.claim,
    rules,
    settings,
    tuning,
    driftReferences: await driftReferencesOf(references, tuning.detectGranularity, deps.driftReferences, deps.log),
    onDriftReference: (model, granularity, reference) =>
      void references?.save(model, granularity, reference).catch((e: Error) => deps.log.warn('drift_reference_save_failed', { model_version: model, error: e.message })),
  });
  stage.start(deps.window$);
  deps.log.info('analysis_started', { baseline: baseline !== undefined, for_ms: settings.forMs });
  return {
    anomaly$: stage.anomaly$.asObservable(),
    alert$: stage.alert$.asObservable(),
    forecast$: stage.forecast$.asObservable(),
    alerts: () => machine.list(),
    keysTracked: () => stage.keysTracked,
    scopesDeferred: () => stage.scopesDeferred,
    stats: () => ({ ...stage.counts, notificationsSent: dispatcher.counts.sent, notificationsFailed: dispatcher.counts.failed, notifications: dispatcher.notifications }),
    silences: {
      add: (s) => saved(silences.add(s)),
      expire: (id) => saved(silences.expire(id)),
      list: () => silences.list(),
    },
    stop: async () => {
      await stage.stop();
      await saver?.flush();
    },
  };
}

/** 'family,scope' -> the labels; an unknown one stops the start (notifications must not regroup silently). */
export function parseGroupBy(text: string): AlertLabel[] {
  const labels = text.split(',').map((x) => x.trim()).filter(Boolean);
  for (const l of labels) if (!(ALERT_LABELS as readonly string[]).includes(l)) throw new ConfigError(`alerts.groupBy: unknown label "${l.slice(0, 40)}" (one of ${ALERT_LABELS.join(', ')})`);
  if (labels.length === 0) throw new ConfigError('alerts.groupBy needs at least one label');
  return labels as AlertLabel[];
}

/** A stored state that cannot be read is logged and left behind: alerts start afresh, the collector starts. */
async function loadState(store: AlertStore | null, log: Logger): Promise<AlertStateDump | null> {
  if (!store) return null;
  try {
    return await store.load();
  } catch (e) {
    log.warn('alert_state_unreadable', { error: (e as Error).message });
    return null;
  }
}

/**
 * The references kept in NATS KV, over those the caller read from InfluxDB 1.x (older, or the
 * only ones without a bucket). A KV that cannot be read is logged: the others still count.
 */
async function driftReferencesOf(store: DriftReferenceStore | null, granularity: string, fromSink: ReadonlyMap<string, SavedReference> | undefined, log: Logger): Promise<Map<string, SavedReference>> {
  const out = new Map(fromSink ?? []);
  if (!store) return out;
  try {
    const kept = await store.load(granularity);
    for (const [model, reference] of kept) out.set(model, reference);
    log.info('drift_references_restored', { model_versions: [...kept.keys()] });
  } catch (e) {
    log.warn('drift_references_unavailable', { error: (e as Error).message });
  }
  return out;
}

/** Config leaves unset optional settings undefined; they must not override the defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
