// What the rules look at: one key's latest quality figures, built by the collector from its
// windows. Every field is optional: a window with no labelled events has no FPR, and a rule
// with nothing to look at says nothing (its alert keeps its state).
import type { AnomalyPoint } from '../detect/types.ts';
import type { Counts } from './evidence.ts';

export interface QualitySnapshot {
  ts: number;
  /** 'overall', 'model:4.0.1', 'agent:edge-1', ... */
  key: string;
  /** False positives / clean labelled events, 0..1. */
  fpr?: number;
  /** Detected / stego labelled events, per method, 0..1. */
  detectionByMethod?: Record<string, number>;
  /**
   * The counts behind the rates, pooled over the evidence period. When present, rate rules judge
   * them (Wilson interval, collector/alerts/evidence.ts) instead of the bare rates.
   */
  counts?: { fpr?: Counts; detectionByMethod?: Record<string, Counts> };
  latencyP95Ms?: number;
  /** Latest detector verdict per series name (e.g. 'latency_p95', 'stego_rate/exif'). */
  anomalies?: Record<string, AnomalyPoint>;
}
