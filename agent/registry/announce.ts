// Tells the collector's model registry which models this agent runs (schemas/model-announce.ts):
// as soon as NATS is reachable, then again every intervalMs, so a collector that starts later
// (or lost its store) learns them too. Core NATS: an announcement lost is repeated anyway.
import type { AnnouncedModel, ModelAnnounce } from '../../schemas/model-announce.ts';
import { MODELS_SUBJECT_PREFIX } from '../../schemas/subjects.ts';
import type { V4Path } from '../../v4/path.ts';
import type { EventPublisher } from '../publish/publisher.ts';

export const ANNOUNCE_DEFAULTS = {
  /** Announcements are repeated this often. */
  intervalMs: 60_000,
  /** Until the first one went out, it is tried this often. */
  retryMs: 1000,
};

export function announcedModel(path: V4Path, role: AnnouncedModel['role']): AnnouncedModel {
  const { id, version, sha256 } = path.identity;
  return { role, id, version, sha256, inputs: [...path.model.inputs], outputs: [...path.model.outputs] };
}

export class ModelAnnouncer {
  private timer: NodeJS.Timeout | null = null;
  private lastMs = 0;
  sent = 0;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly models: readonly AnnouncedModel[],
    private readonly intervalMs = ANNOUNCE_DEFAULTS.intervalMs,
  ) {}

  start(): void {
    if (this.models.length === 0 || this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.sent === 0 || Date.now() - this.lastMs >= this.intervalMs) this.announce();
    }, Math.min(ANNOUNCE_DEFAULTS.retryMs, this.intervalMs));
    this.timer.unref();
    this.announce();
  }

  /** Publishes the models now if connected; returns whether it went out. */
  announce(): boolean {
    const nc = this.publisher.connection;
    if (!nc) return false;
    const message: ModelAnnounce = { v: 1, agent_id: this.publisher.agentId, ts_ms: Date.now(), models: [...this.models] };
    try {
      nc.publish(`${MODELS_SUBJECT_PREFIX}.${this.publisher.agentId}`, new TextEncoder().encode(JSON.stringify(message)));
    } catch {
      return false; // closing: the next tick tells
    }
    this.lastMs = Date.now();
    this.sent++;
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
