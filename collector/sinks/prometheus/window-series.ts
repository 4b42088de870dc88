// A closed window as Prometheus series: one sample per figure, at the window's start, labelled by
// its key (granularity, agent, model_version, replica). Counts and rates are gauges of that
// window (not counters: a window is a bucket, not a running total); latency quantiles share one
// name with a `quantile` label, as summaries do. The exemplar on the worst latency names the
// slowest event of the window (its event_id), so a spike in Grafana leads to the request.
import type { WindowResult } from '../../windows/window-result.ts';
import type { Label, TimeSeries } from './write-request.ts';

export const METRIC_PREFIX = 'starwatch_window_';

/** Window fields written as metrics (the rest, per method, format and size, stay in InfluxDB). */
const FIGURES: Record<string, string> = {
  count: 'events',
  errors: 'errors',
  rps: 'requests_per_second',
  scored: 'scored',
  stego: 'stego',
  slow: 'slow',
  late: 'late',
  stego_rate: 'stego_rate',
  mean_prob: 'mean_prob',
  fpr: 'false_positive_rate',
  detection_rate: 'detection_rate',
};

const QUANTILES: Record<string, string> = { latency_p50: '0.5', latency_p95: '0.95', latency_p99: '0.99', latency_max: '1' };

export interface SlowestEvent {
  eventId: string;
  latencyMs: number;
  tsMs: number;
}

export function windowSeries(w: WindowResult, slowest?: SlowestEvent): TimeSeries[] {
  const key: Label[] = [
    { name: 'granularity', value: w.granularity },
    { name: 'agent', value: w.agent },
    { name: 'model_version', value: w.model_version },
    { name: 'replica', value: w.replica },
  ];
  const at = w.start;
  const out: TimeSeries[] = [];
  for (const [field, metric] of Object.entries(FIGURES)) {
    const value = w.fields[field];
    if (value !== undefined && Number.isFinite(value)) out.push({ labels: [{ name: '__name__', value: METRIC_PREFIX + metric }, ...key], samples: [{ value, timestampMs: at }] });
  }
  for (const [field, quantile] of Object.entries(QUANTILES)) {
    const value = w.fields[field];
    if (value === undefined || !Number.isFinite(value)) continue;
    const series: TimeSeries = { labels: [{ name: '__name__', value: `${METRIC_PREFIX}latency_ms` }, ...key, { name: 'quantile', value: quantile }], samples: [{ value, timestampMs: at }] };
    if (quantile === '1' && slowest) series.exemplars = [{ labels: [{ name: 'event_id', value: slowest.eventId }], value: slowest.latencyMs, timestampMs: slowest.tsMs }];
    out.push(series);
  }
  return out;
}
