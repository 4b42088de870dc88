// One closed window of one key: what the collector writes as `window` points and what the
// detectors, drift, forecasts, alerts and the live feed subscribe to (window$).
import type { Granularity } from '../../schemas/measurements.ts';
import type { WindowAccumulator } from './accumulator.ts';

export interface WindowResult {
  granularity: Granularity;
  /** Window start and end (exclusive), ms since the epoch, by event time. */
  start: number;
  end: number;
  /** Agent id, or `*` for all agents. */
  agent: string;
  /** Model version, or `*` for all of them. */
  model_version: string;
  /** The replica that computed it (`0` when there is one). */
  replica: string;
  /** The `window` fields (schemas/measurements.ts): count, rps, latency_p95, rate_alpha, ... */
  fields: Record<string, number>;
  /** The exact mergeable state, e.g. to combine replicas or pool windows (do not mutate). */
  acc: WindowAccumulator;
}

export const GRANULARITY_MS: Record<Granularity, number> = { '1s': 1000, '10s': 10_000, '1m': 60_000 };
