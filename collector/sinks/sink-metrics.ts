// Each sink's own figures on /metrics, labelled by sink and whether acks wait for it: an optional
// sink never holds the stream back, so its failures and drops must show here instead.
import { Gauge, type Registry } from 'prom-client';
import type { PointSink, SinkStats } from './sink.ts';

const FIGURES: [name: string, help: string, read: (s: SinkStats) => number][] = [
  ['sink_points_written_total', 'Points (or series) each sink\'s store accepted', (s) => s.pointsAccepted],
  ['sink_write_errors_total', 'Failed write attempts per sink (each retried)', (s) => s.writeErrors],
  ['sink_points_rejected_total', 'Points (or series) each sink\'s store refused for good', (s) => s.pointsRejected],
  ['sink_points_dropped_total', 'Points (or series) an optional sink dropped because its queue was full', (s) => s.pointsDropped],
];

export function registerSinkMetrics(sinks: readonly PointSink[], registry: Registry): void {
  const labelNames = ['sink', 'required'] as const;
  for (const [name, help, read] of FIGURES)
    new Gauge({
      name: `starwatch_collector_${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const sink of sinks) this.set({ sink: sink.name, required: String(sink.required) }, read(sink.stats));
      },
    });
  new Gauge({
    name: 'starwatch_collector_sink_backlog',
    help: 'Points (or series) waiting in each sink',
    labelNames,
    registers: [registry],
    collect() {
      for (const sink of sinks) this.set({ sink: sink.name, required: String(sink.required) }, sink.backlog);
    },
  });
}
