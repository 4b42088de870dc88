// Alert state that survives restarts: the state machine's alerts (with their ids), the router's
// groups (what was told, when) and the silences, as one JSON value in a NATS KV bucket. After a
// restart an active alert keeps its id and is not told again; one whose condition cleared while
// the collector was down resolves at the first evaluation, and its group tells that.
import type { NatsConnection, KV } from 'nats';
import type { GroupState } from './router.ts';
import type { Silence } from './silences.ts';
import type { Alert } from './types.ts';

export interface AlertStateDump {
  v: 1;
  alerts: Alert[];
  groups: GroupState[];
  silences: Silence[];
}

export interface AlertStore {
  load(): Promise<AlertStateDump | null>;
  save(state: AlertStateDump): Promise<void>;
}


export class AlertStoreError extends Error {
  readonly code = 'alert_state_invalid';
}

/** One key per replica in a KV bucket; history 1: only the latest state matters. */
export async function openKvAlertStore(nc: NatsConnection, bucket: string, replica = '0'): Promise<AlertStore> {
  const kv: KV = await nc.jetstream().views.kv(bucket, { history: 1 });
  const KEY = `state.${replica.replace(/[^-\w]/g, '_')}`;
  return {
    async load() {
      const entry = await kv.get(KEY);
      if (!entry || entry.value.length === 0) return null;
      return parseDump(entry.json());
    },
    async save(state) {
      await kv.put(KEY, JSON.stringify(state));
    },
  };
}

function parseDump(raw: unknown): AlertStateDump {
  const d = raw as Partial<AlertStateDump> | null;
  if (!d || d.v !== 1 || !Array.isArray(d.alerts) || !Array.isArray(d.groups) || !Array.isArray(d.silences)) {
    throw new AlertStoreError('the stored alert state is not a v1 state');
  }
  return d as AlertStateDump;
}

/**
 * Saves the latest state, one save at a time: a change while a save runs is saved right after it,
 * and changes in between collapse into that one save.
 */
export class StateSaver {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: AlertStore,
    private readonly snapshot: () => AlertStateDump,
    private readonly onError: (e: Error) => void,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /** Resolves once everything requested so far is saved (or failed and was reported). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.store.save(this.snapshot());
      } catch (e) {
        this.onError(e as Error);
      }
    } while (this.again);
    this.running = null;
  }
}
