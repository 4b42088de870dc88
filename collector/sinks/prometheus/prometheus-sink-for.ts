// The Prometheus sink as the config asks for it, or none when no remote write URL is set.
import type { Granularity } from '../../../schemas/measurements.ts';
import type { CollectorConfig } from '../../config.ts';
import type { WriteError } from '../sink.ts';
import { PrometheusSink } from './prometheus-sink.ts';

export function prometheusSinkFor(p: CollectorConfig['prometheus'], onError: (error: WriteError, attempt: number) => void): PrometheusSink | undefined {
  if (!p.remoteWrite) return undefined;
  return new PrometheusSink({
    url: p.remoteWrite,
    granularities: p.granularities.split(',').map((g) => g.trim() as Granularity),
    required: p.required,
    batchSeries: p.batchSeries,
    maxQueueSeries: p.maxQueueSeries,
    flushIntervalMs: p.flushIntervalMs,
    timeoutMs: p.timeoutMs,
    maxBackoffMs: 5000,
    exemplars: p.exemplars,
    onError,
  });
}
