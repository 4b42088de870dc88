// The analysis results as InfluxDB points, named by schemas/measurements.ts: `anomaly` (tags
// series, detector, granularity, agent, model_version), `drift` (tags facet, granularity,
// agent, model_version; fields psi, js, samples, level), `forecast` (tags series, granularity,
// model_version; one point per step ahead, at its future time) and `alert` (tags rule,
// severity, state, key).
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import type { AlertTransition } from '../alerts/types.ts';
import type { AnomalyPoint } from '../detect/types.ts';
import type { FacetDrift } from '../drift/drift-monitor.ts';
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
    fields: { psi: d.psi, js: d.js, samples: BigInt(d.samples), level: d.level },
    timestampNs: msToNs(ts),
  };
}

export function forecastPoints(f: SeriesForecast): Point[] {
  const tags = { series: f.series, granularity: f.granularity, model_version: f.model_version };
  return f.points.map((p) => {
    const fields: Record<string, FieldValue> = { yhat: p.value, lower: p.lower, upper: p.upper, horizon_s: (p.ts - f.lastTs) / 1000 };
    if (f.crossing) fields.tt_threshold_s = f.crossing.inMs / 1000;
    return { measurement: MEASUREMENTS.forecast, tags, fields, timestampNs: msToNs(p.ts) };
  });
}

/** A cancelled pending alert is written as resolved, so "latest state per alert" never stays pending. */
export function alertPoint(t: AlertTransition, ts: number): Point {
  const { alert } = t;
  const state = t.kind === 'cancelled' ? 'resolved' : alert.state;
  const message = t.kind === 'cancelled' ? `cancelled before firing: ${alert.summary}` : alert.summary;
  return {
    measurement: MEASUREMENTS.alert,
    tags: { rule: alert.ruleId, severity: alert.severity, state, key: alert.key },
    fields: { value: alert.value, threshold: alert.threshold, message, alert_id: alert.id },
    // Kept firing past its end (keep-firing-for), an alert is stored as resolved when it ended.
    timestampNs: msToNs(t.kind === 'resolved' && alert.resolvedAt !== null ? alert.resolvedAt : ts),
  };
}

/** Transitions that change the stored state (updates of a firing alert do not). */
export const isStateChange = (t: AlertTransition): boolean => t.kind !== 'updated';
