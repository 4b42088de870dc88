// The drift reference in NATS KV, so it survives a restart whatever the sink (InfluxDB 1.x, 2.x
// through /api/v2/write, or anything else): the same bucket as the alert state (alerts.stateBucket),
// one key per granularity and model version. The InfluxDB 1.x read-back (reference-store.ts) stays
// as the fallback for a collector without a bucket, and for references saved before this existed.
import type { KV, NatsConnection } from 'nats';
import type { Logger } from '../log.ts';
import type { SavedReference } from './drift-monitor.ts';

export interface DriftReferenceStore {
  /** The saved reference per model version at `granularity`; unreadable entries are logged and skipped. */
  load(granularity: string): Promise<Map<string, SavedReference>>;
  save(modelVersion: string, granularity: string, saved: SavedReference): Promise<void>;
}

interface StoredReference extends SavedReference {
  v: 1;
  model_version: string;
}

const PREFIX = 'drift';

/** KV keys allow [-_=.a-zA-Z0-9/]; model versions and granularities may hold anything else. */
const keyPart = (s: string): string => Buffer.from(s).toString('base64url');
const keyOf = (granularity: string, model: string): string => `${PREFIX}.${keyPart(granularity)}.${keyPart(model)}`;

export async function openKvReferenceStore(nc: NatsConnection, bucket: string, log: Logger): Promise<DriftReferenceStore> {
  const kv: KV = await nc.jetstream().views.kv(bucket, { history: 1 });
  return {
    async load(granularity) {
      const out = new Map<string, SavedReference>();
      const keys: string[] = [];
      for await (const k of await kv.keys(`${PREFIX}.${keyPart(granularity)}.*`)) keys.push(k);
      for (const key of keys) {
        const entry = await kv.get(key);
        if (!entry || entry.value.length === 0) continue;
        try {
          const r = parseReference(entry.json());
          out.set(r.model_version, { counts: r.counts, period: r.period });
        } catch (e) {
          log.warn('drift_reference_unreadable', { key, error: (e as Error).message });
        }
      }
      return out;
    },
    async save(modelVersion, granularity, saved) {
      const stored: StoredReference = { v: 1, model_version: modelVersion, counts: saved.counts, period: saved.period };
      await kv.put(keyOf(granularity, modelVersion), JSON.stringify(stored));
    },
  };
}

function parseReference(raw: unknown): StoredReference {
  const r = raw as Partial<StoredReference> | null;
  const ok = r && r.v === 1 && typeof r.model_version === 'string' && typeof r.counts === 'object' && r.counts !== null && Number.isFinite(r.period?.startMs) && Number.isFinite(r.period?.endMs);
  if (!ok) throw new Error('not a v1 drift reference');
  return r as StoredReference;
}
