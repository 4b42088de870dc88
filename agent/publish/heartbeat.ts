// AgentHeartbeat on a timer, over core NATS (not JetStream): a heartbeat says "alive now",
// so one that is late or replayed after an outage is worth nothing, and a missing one is
// itself the signal. Core publish costs no stream storage, no acks, and never competes
// with event batches for the stream; while disconnected, heartbeats are skipped, not queued.
import type { AgentHeartbeat } from '../../schemas/heartbeat.ts';
import { heartbeatSubject } from '../../schemas/subjects.ts';
import type { EventPublisher } from './publisher.ts';

export interface HeartbeatSource {
  modelLoaded(): boolean;
  modelVersion(): string | null;
}

const encoder = new TextEncoder();

export function heartbeat(publisher: EventPublisher, source: HeartbeatSource, startedMs: number): AgentHeartbeat {
  const s = publisher.snapshot();
  const now = Date.now();
  return {
    v: 1,
    agent_id: publisher.agentId,
    ts_ms: now,
    uptime_s: Math.max(0, (now - startedMs) / 1000),
    model_loaded: source.modelLoaded(),
    model_version: source.modelVersion(),
    queue_depth: s.queueDepth,
    queue_capacity: s.queueCapacity,
    events_sent: s.sent,
    events_dropped: s.dropped,
    nats_connected: s.connected,
  };
}

export class Heartbeater {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedMs = Date.now();
  sent = 0;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly source: HeartbeatSource,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  /** Publishes one heartbeat now if connected; returns whether it went out. */
  beat(): boolean {
    const nc = this.publisher.connection;
    if (!nc) return false;
    const body = heartbeat(this.publisher, this.source, this.startedMs);
    try {
      nc.publish(heartbeatSubject(this.publisher.agentId), encoder.encode(JSON.stringify(body)));
      this.sent++;
      return true;
    } catch {
      return false; // closing or closed: the next beat will tell
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
