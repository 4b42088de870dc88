// The collector's stores, wired: InfluxDB (required: acks wait for it) with the raw policy, and
// Prometheus remote write when configured (optional unless said so), behind one FanOutSink; their
// write failures logged summarised and their figures registered on /metrics.
import { Gauge, type Registry } from 'prom-client';
import type { CollectorConfig } from './config.ts';
import { withoutCredentials } from './config.ts';
import { SummarisedLog } from './consume/summarised-log.ts';
import type { Logger } from './log.ts';
import type { Transport } from './sinks/batching-sink.ts';
import { FanOutSink } from './sinks/fan-out.ts';
import type { InfluxSink } from './sinks/influx-sink.ts';
import { influxSinkFor, type InfluxSinkHooks } from './sinks/influx-sink-for.ts';
import { prometheusSinkFor } from './sinks/prometheus/prometheus-sink-for.ts';
import { registerSinkMetrics } from './sinks/sink-metrics.ts';

export interface CollectorSinks {
  influx: InfluxSink;
  /** What the pipeline, the analysis stage and the subscribers write to. */
  all: FanOutSink;
  /** Stops the summarised logs (after the sinks are closed). */
  stopLogs(): void;
}

export function startSinks(
  config: Pick<CollectorConfig, 'influx' | 'prometheus' | 'rawShare'>,
  transport: Transport,
  hooks: Required<Pick<InfluxSinkHooks, 'onRejected' | 'onAccepted'>>,
  registry: Registry,
  log: Logger,
): CollectorSinks {
  const influxFailures = new SummarisedLog(log, 'influx_write_failed');
  const influx = influxSinkFor(config.influx, transport, {
    ...hooks,
    // Summarised: a batch split down to its refused lines fails once per part.
    onError: (error, attempt) => {
      if (attempt === 1 || attempt % 10 === 0) influxFailures.warn(error.code, { error: error.message, attempt });
    },
  }, config.rawShare);
  new Gauge({ name: 'starwatch_collector_raw_sampled_out_total', help: 'Clean negative events not kept as raw points (rawShare); windows still count them', registers: [registry], collect() { this.set(influx.rawSampledOut); } });
  const promFailures = new SummarisedLog(log, 'prometheus_write_failed');
  const prometheus = prometheusSinkFor(config.prometheus, (error, attempt) => {
    if (attempt === 1 || attempt % 10 === 0) promFailures.warn(error.code, { error: withoutCredentials(error.message), attempt });
  });
  const all = new FanOutSink(prometheus ? [influx, prometheus] : [influx]);
  registerSinkMetrics(all.sinks, registry);
  return {
    influx,
    all,
    stopLogs() {
      influxFailures.stop();
      promFailures.stop();
    },
  };
}
