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
  private readonly refused: Counter<'reason'>;

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
    this.refused = new Counter({
      name: 'starwatch_agent_refused_total',
      help: 'Requests or connections refused by admission control (in_flight, bytes_in_flight, pixels_in_flight, connections, request_timeout, bad_http)',
      labelNames: ['reason'],
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

  /** What a proxy read in its upstream's verdicts beyond the outputs, read when scraped. */
  watchVerdicts(counts: { unknownMethods: number; extractionOverrides: number }): void {
    const registers = [this.registry];
    syncedCounter(registers, 'starwatch_agent_upstream_unknown_methods_total', 'Upstream verdicts naming a method that is none of ours nor an alias (the name is logged)', () => counts.unknownMethods);
    syncedCounter(registers, 'starwatch_agent_upstream_extraction_overrides_total', 'Upstream verdicts made stego because a message was extracted', () => counts.extractionOverrides);
  }

  /** Verdicts of the served model the container rule turned to clean (v4/container-rule.ts), read when scraped. */
  watchRuledOut(path: { ruledOut: number }): void {
    syncedCounter([this.registry], 'starwatch_agent_verdicts_ruled_out_total', 'Stego verdicts by a method the file cannot hold (pixel LSBs of a JPEG or lossy WebP), answered clean', () => path.ruledOut);
  }

  /** Shadow scans of a rollout candidate: scored, dropped (queue full) and their time, read when scraped. */
  watchShadows(counts: { scored: number; dropped: number; ms: number; servedBeside: number }): void {
    const registers = [this.registry];
    syncedCounter(registers, 'starwatch_agent_shadow_scored_total', 'Requests the rollout candidate scored in shadow, after the answer went out', () => counts.scored);
    syncedCounter(registers, 'starwatch_agent_shadow_dropped_total', 'Shadow scans dropped because the shadow queue was full', () => counts.dropped);
    syncedCounter(registers, 'starwatch_agent_shadow_seconds_total', 'Wall time spent scoring shadows (the extra cost of shadowing)', () => counts.ms / 1000);
    syncedCounter(registers, 'starwatch_agent_shadow_overlapped_served_total', 'Served scans that started while a shadow scan ran (it runs at the lowest OS priority)', () => counts.servedBeside);
  }

  countRefusal(reason: string): void {
    this.refused.inc({ reason });
  }

  /** Scans and decoded pixels in flight, read when scraped. */
  watchAdmission(admission: { snapshot(): { scans: number; bytes: number; pixels: number } }): void {
    const registers = [this.registry];
    if (this.registry.getSingleMetric('starwatch_agent_scans_in_flight')) return;
    new Gauge({ name: 'starwatch_agent_scans_in_flight', help: 'Scans admitted and not yet answered', registers, collect() { this.set(admission.snapshot().scans); } });
    new Gauge({ name: 'starwatch_agent_bytes_in_flight', help: 'Request bytes admitted (declared, or --max-bytes when chunked)', registers, collect() { this.set(admission.snapshot().bytes); } });
    new Gauge({ name: 'starwatch_agent_pixels_in_flight', help: 'Declared pixels of the images being decoded', registers, collect() { this.set(admission.snapshot().pixels); } });
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
