// Prometheus metrics of the agent, on a registry of its own: scans by outcome, errors by
// code and the latency histogram come from the events; queue depth and sent/dropped counts
// are read from the publisher when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { EventPublisher } from '../publish/publisher.ts';

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly scans: Counter<'outcome' | 'source'>;
  private readonly errors: Counter<'code'>;
  private readonly latency: Histogram<'outcome'>;

  constructor(publisher: EventPublisher, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.scans = new Counter({ name: 'starwatch_agent_scans_total', help: 'Requests seen, by outcome (stego, clean, error) and source', labelNames: ['outcome', 'source'], registers });
    this.errors = new Counter({ name: 'starwatch_agent_errors_total', help: 'Failed requests, by error code', labelNames: ['code'], registers });
    this.latency = new Histogram({
      name: 'starwatch_agent_scan_duration_seconds',
      help: 'Request latency (total_ms of the event)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 5],
      registers,
    });
    new Gauge({
      name: 'starwatch_agent_queue_depth',
      help: 'Events waiting to be sent to NATS',
      registers,
      collect() {
        this.set(publisher.snapshot().queueDepth);
      },
    });
    new Gauge({
      name: 'starwatch_agent_nats_connected',
      help: '1 when connected to NATS',
      registers,
      collect() {
        this.set(publisher.snapshot().connected ? 1 : 0);
      },
    });
    syncedCounter(registers, 'starwatch_agent_events_sent_total', 'Events acknowledged by the stream', () => publisher.snapshot().sent);
    syncedCounter(registers, 'starwatch_agent_events_dropped_total', 'Events dropped (queue full or unsent at shutdown)', () => publisher.snapshot().dropped);
    syncedCounter(registers, 'starwatch_agent_stream_refusals_total', 'Publishes the events stream refused (full or over its size bound), each retried', () => publisher.snapshot().streamRefusals);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'starwatch_agent_' });
  }

  observe(event: InferenceEvent): void {
    const outcome = event.outputs === null ? 'error' : event.outputs.is_stego ? 'stego' : 'clean';
    this.scans.inc({ outcome, source: event.source });
    if (event.error_code) this.errors.inc({ code: event.error_code });
    this.latency.observe({ outcome }, event.timings.total_ms / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** A counter that follows a total kept elsewhere (it only ever grows). */
function syncedCounter(registers: Registry[], name: string, help: string, total: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const now = total();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}
