// The collector's InfluxDB sink with the batching the config asks for; the caller's hooks say
// what refused lines, accepted batches and failed attempts become (letters, delay, log lines).
import type { BatchingOptions, Transport } from './batching-sink.ts';
import { InfluxSink } from './influx-sink.ts';
import type { InfluxSettings } from './transport-for.ts';

export type InfluxSinkHooks = Pick<BatchingOptions, 'onRejected' | 'onAccepted' | 'onError'>;

/** `rawShare`: share of clean negatives kept as raw points (raw-policy.ts). */
export function influxSinkFor(i: InfluxSettings, transport: Transport, hooks: InfluxSinkHooks, rawShare = 1): InfluxSink {
  return new InfluxSink(transport, {
    batchSize: i.batchSize,
    maxInFlight: i.maxInFlight,
    flushIntervalMs: i.flushIntervalMs,
    maxBackoffMs: 5000,
    maxBodyBytes: i.maxBodyBytes,
    ...hooks,
  }, rawShare);
}
