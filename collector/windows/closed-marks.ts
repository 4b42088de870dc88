// Closed-window marks that survive a crash on every sink: per granularity, the start up to which
// this replica's windows are closed and accepted by InfluxDB, kept in a NATS KV bucket (as alert
// state is). Saved after the sink has flushed those windows and before the acks that rely on them
// are sent, so after a kill -9 a new instance never recomputes (and overwrites) a complete window
// from the part of its messages that comes back. InfluxDB 1.x also reads windows back
// (restore.ts); 2.x, 3.x and Cloud have only these marks.
import type { KV, NatsConnection } from 'nats';
import { GRANULARITIES, type Granularity } from '../../schemas/measurements.ts';
import type { Logger } from '../log.ts';

export type ClosedMarks = Partial<Record<Granularity, number>>;

export interface ClosedMarksStore {
  load(): Promise<ClosedMarks>;
  /** Stores the marks; a repeat of the last stored marks costs nothing. */
  save(marks: ClosedMarks): Promise<void>;
}

/** A stored value that is not v1 marks (hand-edited, another version): nothing is restored from it. */
export class ClosedMarksError extends Error {
  readonly code = 'closed_marks_invalid';
}

/** One key per replica; history 1: only the latest marks matter. */
export async function openKvClosedMarks(nc: NatsConnection, bucket: string, replica: string): Promise<ClosedMarksStore> {
  const kv: KV = await nc.jetstream().views.kv(bucket, { history: 1 });
  const key = `closed.${replica.replace(/[^-\w]/g, '_')}`;
  let last = '';
  return {
    async load() {
      const entry = await kv.get(key);
      if (!entry || entry.value.length === 0) return {};
      return parseMarks(entry.json());
    },
    async save(marks) {
      const value = JSON.stringify({ v: 1, marks });
      if (value === last) return;
      await kv.put(key, value);
      last = value;
    },
  };
}

export function parseMarks(raw: unknown): ClosedMarks {
  const d = raw as { v?: unknown; marks?: Record<string, unknown> } | null;
  if (!d || d.v !== 1 || typeof d.marks !== 'object' || d.marks === null) throw new ClosedMarksError('the stored closed-window marks are not v1 marks');
  const out: ClosedMarks = {};
  for (const g of GRANULARITIES) {
    const start = d.marks[g];
    if (start === undefined) continue;
    if (typeof start !== 'number' || !Number.isSafeInteger(start)) throw new ClosedMarksError(`the closed-window mark of ${g} is not a time`);
    out[g] = start;
  }
  return out;
}

/** Raises the engine's closed windows to the stored marks; a bad stored value restores nothing. */
export async function restoreClosedMarks(store: ClosedMarksStore, engine: { restoreClosed(g: Granularity, start: number): void }, log: Logger): Promise<void> {
  let marks: ClosedMarks;
  try {
    marks = await store.load();
  } catch (e) {
    if (!(e instanceof ClosedMarksError)) throw e;
    log.warn('closed_marks_invalid', { error: e.message });
    return;
  }
  for (const g of GRANULARITIES) if (marks[g] !== undefined) engine.restoreClosed(g, marks[g]);
  const shown = Object.fromEntries(Object.entries(marks).map(([g, start]) => [g, new Date(start).toISOString()]));
  log.info('windows_restored', { source: 'kv', marks: shown });
}
