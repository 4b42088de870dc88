// The analysis results as InfluxDB points, named by schemas/measurements.ts: `anomaly` (tags
// series, detector, granularity, agent, model_version), `drift` (tags facet, granularity,
// agent, model_version; fields psi, js, samples, level), `forecast` (tags series, granularity,
// model_version; one point per step ahead, at its future time) and `alert` (tags rule,
// severity, state, key).
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import type { AlertTransition } from '../alerts/types.ts';
import type { AnomalyPoint } from '../detect/types.ts';
import type { FacetDrift } from '../drift/drift-monitor.ts';
import { rootCauseText } from '../alerts/webhook-notifier.ts';
import { msToNs, type FieldValue, type Point } from '../sinks/point.ts';
import type { SeriesForecast } from './forecasts.ts';

export interface Scope {
  granularity: string;
  agent: string;
  model_version: string;
}

/** `rootCause` is stored as JSON in the string field root_cause, only on flagged points. */
export function anomalyPoint(series: string, scope: Scope, ts: number, v: AnomalyPoint, rootCause: readonly unknown[] | null): Point {
  const fields: Record<string, FieldValue> = { value: v.value, expected: v.expected, score: v.score, is_anomaly: v.isAnomaly };
  if (rootCause) fields.root_cause = JSON.stringify(rootCause);
  return { measurement: MEASUREMENTS.anomaly, tags: { series, detector: v.detector, ...scope }, fields, timestampNs: msToNs(ts) };
}

export function driftPoint(facet: string, scope: Scope, ts: number, d: FacetDrift): Point {
  return {
    measurement: MEASUREMENTS.drift,
    tags: { facet, ...scope },
    fields: { psi: d.psi, js: d.js, samples: BigInt(d.samples), level: d.level, ...referenceFields(d) },
    timestampNs: msToNs(ts),
  };
}

/** The reference period compared with, when known (a hand-made baseline has none). */
function referenceFields(d: FacetDrift): Record<string, number> {
  const { startMs, endMs } = d.reference;
  return Number.isFinite(startMs) && Number.isFinite(endMs) ? { reference_start_ms: startMs, reference_end_ms: endMs } : {};
}

/**
 * One refresh of a forecast: its path at the future times (yhat, lower, upper, horizon_s), each
 * overwriting what the previous refresh said for that time, and at the observed point (horizon 0)
 * the time to threshold. That is written only at the refresh's own time, never on the path: an
 * older refresh's crossing can then not outlive a newer one that found none (`crosses` says which).
 */
export function forecastPoints(f: SeriesForecast): Point[] {
  const tags = { series: f.series, granularity: f.granularity, model_version: f.model_version };
  const origin: Record<string, FieldValue> = { yhat: f.lastValue, lower: f.lastValue, upper: f.lastValue, horizon_s: 0 };
  if (f.threshold !== undefined) {
    origin.threshold = f.threshold;
    origin.crosses = f.crossing !== null;
    if (f.crossing) origin.tt_threshold_s = f.crossing.inMs / 1000;
  }
  const path = f.points.map((p): Point => ({
    measurement: MEASUREMENTS.forecast,
    tags,
    fields: { yhat: p.value, lower: p.lower, upper: p.upper, horizon_s: (p.ts - f.lastTs) / 1000 },
    timestampNs: msToNs(p.ts),
  }));
  return [{ measurement: MEASUREMENTS.forecast, tags, fields: origin, timestampNs: msToNs(f.lastTs) }, ...path];
}

/**
 * A cancelled pending alert is written as resolved, so "latest state per alert" never stays pending.
 * A firing point with a root-cause ranking carries it (`rootCauseFields`).
 */
export function alertPoint(t: AlertTransition, ts: number, rootCause: readonly unknown[] | null = null): Point {
  const { alert } = t;
  const state = t.kind === 'cancelled' ? 'resolved' : alert.state;
  const message = t.kind === 'cancelled' ? `cancelled before firing: ${alert.summary}` : alert.summary;
  return {
    measurement: MEASUREMENTS.alert,
    tags: { rule: alert.ruleId, severity: alert.severity, state, key: alert.key },
    fields: { value: alert.value, threshold: alert.threshold, message, alert_id: alert.id, ...(state === 'firing' ? annotationFields(message, rootCause) : {}) },
    // Kept firing past its end (keep-firing-for), an alert is stored as resolved when it ended.
    timestampNs: msToNs(t.kind === 'resolved' && alert.resolvedAt !== null ? alert.resolvedAt : ts),
  };
}

/**
 * When an alert resolves, its firing point (same tags, at firedAt) gets `ends_ms`, so a board draws
 * the episode as a firing-to-resolved region. The firing fields are repeated, so the point is whole
 * even if firedAt is not where the firing point was written.
 */
export function alertRegionPoint(t: AlertTransition, rootCause: readonly unknown[] | null = null): Point | null {
  const { alert } = t;
  if (t.kind !== 'resolved' || alert.firedAt === null) return null;
  return {
    measurement: MEASUREMENTS.alert,
    tags: { rule: alert.ruleId, severity: alert.severity, state: 'firing', key: alert.key },
    fields: {
      value: alert.value,
      threshold: alert.threshold,
      message: alert.summary,
      alert_id: alert.id,
      ends_ms: alert.resolvedAt ?? alert.lastEvaluatedAt,
      // Without a known ranking (a restart in between) the firing point's text stays as it was.
      ...(rootCause && rootCause.length > 0 ? annotationFields(alert.summary, rootCause) : {}),
    },
    timestampNs: msToNs(alert.firedAt),
  };
}

/**
 * `text`: what the boards show on the alert's region (Grafana reads one text column): the message,
 * and the top of the root-cause ranking in words when there is one; `root_cause`: the ranking as
 * JSON (as on anomaly points).
 */
function annotationFields(message: string, rootCause: readonly unknown[] | null): Record<string, string> {
  if (!rootCause || rootCause.length === 0) return { text: message };
  // One line: a newline in a string field does not survive line protocol on every InfluxDB.
  return { text: `${message}; root cause: ${rootCauseText(rootCause).replaceAll('\n', ', ')}`, root_cause: JSON.stringify(rootCause) };
}

/** Transitions that change the stored state (updates of a firing alert do not). */
export const isStateChange = (t: AlertTransition): boolean => t.kind !== 'updated';
