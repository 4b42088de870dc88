// Wires the collector's streams into the live hub: closed windows, sampled raw events, and the
// anomalies, alerts and forecasts the later stages produce. One call from the collector's main.
import { Subscription, type Observable } from 'rxjs';
import { TOPICS, type LiveAlert, type LiveAnomaly, type LiveWindow } from '../../schemas/live.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { AlertTransition } from '../alerts/types.ts';
import type { WindowResult } from '../windows/window-result.ts';
import type { LiveHub } from './hub.ts';

export interface LiveSources {
  window$: Observable<WindowResult>;
  events$?: Observable<InferenceEvent>;
  anomaly$?: Observable<LiveAnomaly>;
  alert$?: Observable<AlertTransition>;
  forecast$?: Observable<unknown>;
}

/** Publishes every source on its topic until the returned subscription is ended. */
export function connectLiveFeed(hub: LiveHub, sources: LiveSources): Subscription {
  const all = new Subscription();
  all.add(sources.window$.subscribe((w) => hub.publish(TOPICS.windows(w.granularity, w.model_version, w.agent), liveWindow(w))));
  if (sources.events$) all.add(sources.events$.subscribe((e) => hub.publish(TOPICS.eventsSample, e)));
  if (sources.anomaly$) all.add(sources.anomaly$.subscribe((a) => hub.publish(TOPICS.anomalies, a)));
  if (sources.alert$) all.add(sources.alert$.subscribe((t) => hub.publish(TOPICS.alerts, liveAlert(t))));
  if (sources.forecast$) all.add(sources.forecast$.subscribe((f) => hub.publish(TOPICS.forecasts, f)));
  return all;
}

/** The wire form: the fields, without the accumulator (large, and internal). */
export function liveWindow(w: WindowResult): LiveWindow {
  return { granularity: w.granularity, model_version: w.model_version, agent: w.agent, start: w.start, end: w.end, fields: w.fields };
}

export function liveAlert({ kind, alert }: AlertTransition): LiveAlert {
  return {
    kind,
    alert_id: alert.id,
    rule: alert.ruleId,
    severity: alert.severity,
    state: alert.state,
    key: alert.key,
    value: alert.value,
    threshold: alert.threshold,
    message: alert.summary,
    ts: alert.lastEvaluatedAt,
  };
}
