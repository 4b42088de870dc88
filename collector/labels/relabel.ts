// The labelled figures of windows, recomputed from the stored events of their time and every
// label known for them (late labels win over the event's own). Computed from the whole state
// each time, so applying the same labels twice writes the same numbers: idempotent.
import { ALL, METHODS, methodField } from '../../schemas/measurements.ts';

/** An `inference` point as read back: its window keys, verdict and own label. */
export interface StoredEvent {
  timeMs: number;
  eventId: string;
  /** The client's X-Request-Id, when it sent one. */
  requestId?: string | null;
  agent: string;
  modelVersion: string;
  /** Null when the request failed (no verdict): such events count in no labelled figure. */
  isStego: boolean | null;
  label: { category: 'clean' | 'stego'; method: string | null } | null;
}

export interface WindowKey {
  startMs: number;
  agent: string;
  modelVersion: string;
}

type Counts = { clean: number; fp: number; stego: number; tp: number; byMethod: Map<string, { n: number; hits: number }> };

const empty = (): Counts => ({ clean: 0, fp: 0, stego: 0, tp: 0, byMethod: new Map() });

/** Per window (start, agent, model version, with `*` rollups): the labelled fields of `window`. */
export function labelledFields(events: readonly StoredEvent[], late: ReadonlyMap<string, StoredEvent['label']>, sizeMs: number): Map<string, { key: WindowKey; fields: Record<string, number> }> {
  const counts = new Map<string, { key: WindowKey; c: Counts }>();
  for (const e of events) {
    const label = late.get(e.eventId) ?? e.label;
    if (!label || e.isStego === null) continue;
    const startMs = e.timeMs - (e.timeMs % sizeMs);
    for (const agent of [e.agent, ALL])
      for (const modelVersion of [e.modelVersion, ALL]) {
        const id = `${startMs}|${agent}|${modelVersion}`;
        let entry = counts.get(id);
        if (!entry) counts.set(id, (entry = { key: { startMs, agent, modelVersion }, c: empty() }));
        count(entry.c, label, e.isStego);
      }
  }
  const out = new Map<string, { key: WindowKey; fields: Record<string, number> }>();
  for (const [id, { key, c }] of counts) out.set(id, { key, fields: fieldsOf(c) });
  return out;
}

function count(c: Counts, label: NonNullable<StoredEvent['label']>, isStego: boolean): void {
  if (label.category === 'clean') {
    c.clean++;
    if (isStego) c.fp++;
    return;
  }
  c.stego++;
  if (isStego) c.tp++;
  if (!label.method) return;
  const m = c.byMethod.get(label.method) ?? { n: 0, hits: 0 };
  m.n++;
  if (isStego) m.hits++;
  c.byMethod.set(label.method, m);
}

/** As the live windows write them (collector/windows/accumulator.ts), zero bases left out. */
function fieldsOf(c: Counts): Record<string, number> {
  const f: Record<string, number> = {};
  if (c.clean > 0) Object.assign(f, { clean_labelled: c.clean, fp: c.fp, fpr: c.fp / c.clean });
  if (c.stego > 0) Object.assign(f, { stego_labelled: c.stego, tp: c.tp, detection_rate: c.tp / c.stego });
  for (const m of METHODS) {
    const d = c.byMethod.get(m);
    if (!d) continue;
    const name = methodField(m);
    Object.assign(f, { [`det_${name}_n`]: d.n, [`det_${name}_hits`]: d.hits, [`det_${name}`]: d.hits / d.n });
  }
  return f;
}
