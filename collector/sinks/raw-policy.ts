// Which events are also kept as raw `inference` points. Windows count every event either way (they
// are computed before any sink), so sampling costs no accuracy in the figures; it only thins the
// per-event record, which is what InfluxDB spends most of its time on. Every positive, failed,
// labelled and probe event is kept: those are the ones a person looks up. Clean negatives are kept
// at `share`, chosen by a hash of the event id, so a redelivered event is kept or not as before.

import type { InferenceEvent } from '../../schemas/inference-event.ts';

export function mustKeepRaw(e: InferenceEvent): boolean {
  return e.outputs === null || e.outputs.is_stego || e.error_code !== null || e.label != null || e.source === 'probe';
}

export function keepRaw(e: InferenceEvent, share: number): boolean {
  return share >= 1 || mustKeepRaw(e) || (share > 0 && shareOf(e.event_id) < share);
}

/** FNV-1a of the id, as a fraction in [0, 1): the same id always falls in the same place. */
export function shareOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 4294967296;
}
