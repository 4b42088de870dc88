// The agent core every mode shares: it turns what it observed of a request into an
// InferenceEvent, hands it to the publisher (O(1), never waits) and tells listeners (metrics).
// With a model it also runs the V4 path itself.
import type { InferenceEvent, Label, Rollout } from '../../schemas/inference-event.ts';
import { EventBuilder, observeError, observeResult, UNKNOWN_MODEL } from '../events/build.ts';
import { unknownInput, type ModelRef, type Observation, type Source } from '../events/observation.ts';
import { sniffFormat } from '../events/sniff-format.ts';
import { Heartbeater } from '../publish/heartbeat.ts';
import { EventPublisher, type PublisherStats } from '../publish/publisher.ts';
import { isV4Error } from '../../v4/errors.ts';
import type { ScanResult, V4Path } from '../../v4/path.ts';

export type ScanOutcome =
  | { ok: true; result: ScanResult; event: InferenceEvent }
  | { ok: false; code: string; message: string; event: InferenceEvent; /** What the V4 path threw. */ error: unknown };

export interface ScanOptions {
  source?: Source;
  label?: Label;
  /** The client's X-Request-Id, when it sent one. */
  requestId?: string;
  /** Another model than the agent's own (a rollout candidate); its identity names the events. */
  path?: V4Path;
  rollout?: Rollout;
}

export type EventListener = (event: InferenceEvent) => void;

export class StarwatchAgent {
  private readonly listeners: EventListener[] = [];
  private readonly builder: EventBuilder;

  constructor(
    readonly publisher: EventPublisher,
    readonly path: V4Path | null,
    readonly heartbeats: Heartbeater | null,
    model: ModelRef = path?.identity ?? UNKNOWN_MODEL,
  ) {
    this.builder = new EventBuilder(publisher.agentId, model);
  }

  get agentId(): string {
    return this.publisher.agentId;
  }

  get model(): ModelRef {
    return this.builder.model;
  }

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** Builds the event, queues it for NATS and returns it. */
  emit(observation: Observation): InferenceEvent {
    const event = this.builder.build(observation);
    this.publisher.enqueue(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Scans with the V4 path; emits one event whatever happens. Never throws for bad input. */
  async scanOutcome(bytes: Uint8Array, options: ScanOptions = {}): Promise<ScanOutcome> {
    const path = options.path ?? this.path;
    if (!path) throw new Error('this agent has no model: create it with a model to scan');
    const source = options.source ?? 'library';
    const extra = { label: options.label, ...(options.requestId ? { requestId: options.requestId } : {}), ...(options.path ? { model: options.path.identity } : {}), ...(options.rollout ? { rollout: options.rollout } : {}) };
    const start = performance.now();
    try {
      const result = await path.scan(bytes);
      return { ok: true, result, event: this.emit({ ...observeResult(source, result), ...extra }) };
    } catch (e) {
      const code = isV4Error(e) ? e.code : 'INTERNAL';
      const message = (e as Error)?.message ?? String(e);
      const input = { ...unknownInput(bytes.length), format: sniffFormat(bytes) };
      const event = this.emit({ ...observeError(source, code, input, performance.now() - start), ...extra });
      return { ok: false, code, message, event, error: e };
    }
  }

  stats(): PublisherStats {
    return this.publisher.snapshot();
  }

  /** Flushes queued events to NATS (up to timeoutMs), then disconnects and frees the model. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.heartbeats?.stop();
    await this.publisher.close(timeoutMs);
    await this.path?.close();
  }
}
