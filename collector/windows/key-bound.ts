// Bounds the values a tag may take where events enter the windows and the raw points: model
// versions and agent ids are free strings, and every new one would make new windows, detectors,
// forecasters, live topics and InfluxDB series for ever. Past `max` values seen within `idleMs`,
// a new value is counted and folded into `_other`; a value unseen for `idleMs` frees its place.
import { Gauge, type Registry } from 'prom-client';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import type { Logger } from '../log.ts';
import { warnOnGrowth } from '../warn-on-growth.ts';

export const OTHER = '_other';

export interface KeyLimits {
  /** Model versions with their own series at a time. */
  maxModelVersions: number;
  /** Agent ids with their own series at a time. */
  maxAgents: number;
  /** A value unseen this long gives its place up (event time is not used: wall clock). */
  keyIdleMs: number;
}

export const DEFAULT_KEY_LIMITS: KeyLimits = { maxModelVersions: 50, maxAgents: 1000, keyIdleMs: 3_600_000 };

/** The values of one tag: admitted ones with when they were last seen, oldest first. */
export class TagBound {
  private readonly seen = new Map<string, number>();
  /** Events folded into `_other`, since start. */
  overflowed = 0;

  constructor(
    private readonly max: number,
    private readonly idleMs: number,
  ) {}

  admit(value: string, now: number): string {
    const last = this.seen.get(value);
    if (last !== undefined) {
      // Re-inserted at most once a second, so the map stays in last-seen order cheaply.
      if (now - last > 1000) {
        this.seen.delete(value);
        this.seen.set(value, now);
      }
      return value;
    }
    if (this.seen.size >= this.max) this.forgetIdle(now);
    if (this.seen.size >= this.max) {
      this.overflowed++;
      return OTHER;
    }
    this.seen.set(value, now);
    return value;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetIdle(now: number): void {
    for (const [value, at] of this.seen) {
      if (now - at < this.idleMs) return; // oldest first: the rest are fresher
      this.seen.delete(value);
    }
  }
}

/** Both bounded tags of an event. */
export class KeyBound {
  readonly versions: TagBound;
  readonly agents: TagBound;

  constructor(limits: KeyLimits = DEFAULT_KEY_LIMITS) {
    this.versions = new TagBound(limits.maxModelVersions, limits.keyIdleMs);
    this.agents = new TagBound(limits.maxAgents, limits.keyIdleMs);
  }

  /** The last pair both admitted, and when: admitting it again at that same time changes nothing. */
  private last = { version: '', agent: '', now: Number.NaN };

  /** `event` itself, or a copy whose over-limit version or agent reads `_other`. */
  bound(event: InferenceEvent, now: number): InferenceEvent {
    // Called for every event, and a message's events share their agent, model and `now`.
    const last = this.last;
    if (now === last.now && event.agent_id === last.agent && event.model.version === last.version) return event;
    const version = this.versions.admit(event.model.version, now);
    const agent = this.agents.admit(event.agent_id, now);
    if (version === event.model.version && agent === event.agent_id) {
      this.last = { version, agent, now };
      return event;
    }
    return { ...event, agent_id: agent, model: { ...event.model, version } };
  }
}

/**
 * Exposes what was folded into `_other` as a Prometheus gauge (read on scrape) and logs a line
 * every `everyMs` at most while it grows. Returns the stop function.
 */
export function watchKeyBound(keys: KeyBound, registry: Registry, log: Logger, everyMs = 10_000): () => void {
  const tags = { model_version: keys.versions, agent: keys.agents };
  new Gauge({
    name: 'starwatch_collector_keys_overflowed_total',
    help: 'Events whose model version or agent id was folded into _other (tag limit reached), by tag',
    labelNames: ['tag'],
    registers: [registry],
    collect() {
      for (const [tag, bound] of Object.entries(tags)) this.set({ tag }, bound.overflowed);
    },
  });
  const stops = Object.entries(tags).map(([tag, bound]) =>
    warnOnGrowth(() => bound.overflowed, (growth, total) => log.warn('tag_limit_reached', { tag, folded_into_other: growth, total, distinct: bound.size }), everyMs),
  );
  return () => stops.forEach((stop) => stop());
}
