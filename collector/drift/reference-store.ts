// The drift reference survives a restart: once a monitor has learned its reference, the stage
// writes it as a `drift` point (facet `reference`, the counts as JSON, the period it covers), and a
// starting collector reads the latest one per model version back, so it compares with the same
// reference instead of silently learning a new one from whatever traffic comes first.
import { ALL, MEASUREMENTS } from '../../schemas/measurements.ts';
import type { InfluxQL } from '../sinks/influxql.ts';
import type { Logger } from '../log.ts';
import { msToNs, type Point } from '../sinks/point.ts';
import type { SavedReference } from './drift-monitor.ts';

export const REFERENCE_FACET = 'reference';

export function referencePoint(modelVersion: string, granularity: string, saved: SavedReference): Point {
  return {
    measurement: MEASUREMENTS.drift,
    tags: { facet: REFERENCE_FACET, granularity, agent: ALL, model_version: modelVersion },
    fields: { reference: JSON.stringify(saved.counts), reference_start_ms: saved.period.startMs, reference_end_ms: saved.period.endMs },
    timestampNs: msToNs(saved.period.endMs),
  };
}

/** Runs InfluxQL and returns the first statement's series (InfluxDB 1.x or a v1-compatible API). */
export type QueryRunner = (q: string) => Promise<Array<{ tags?: Record<string, string>; columns: string[]; values: unknown[][] }>>;

/**
 * The latest saved reference per model version at `granularity`. A reference that does not parse
 * is skipped (logged): the monitor then learns a new one, as it would without a saved one.
 */
export async function loadDriftReferences(run: QueryRunner, rp: string, granularity: string, log: Logger): Promise<Map<string, SavedReference>> {
  const q =
    `SELECT last("reference") AS "reference", last("reference_start_ms") AS "start", last("reference_end_ms") AS "end" ` +
    `FROM "${rp}"."${MEASUREMENTS.drift}" WHERE "facet" = '${REFERENCE_FACET}' AND "granularity" = '${granularity}' GROUP BY "model_version"`;
  const out = new Map<string, SavedReference>();
  for (const s of await run(q)) {
    const model = s.tags?.model_version;
    const row = s.values[0];
    if (!model || !row) continue;
    const at = (name: string) => row[s.columns.indexOf(name)];
    try {
      const counts = JSON.parse(String(at('reference')));
      const period = { startMs: Number(at('start')), endMs: Number(at('end')) };
      if (typeof counts !== 'object' || counts === null || !Number.isFinite(period.startMs)) throw new Error('not a reference');
      out.set(model, { counts, period });
    } catch (e) {
      log.warn('drift_reference_unreadable', { model_version: model, error: (e as Error).message });
    }
  }
  return out;
}

/**
 * The saved references of this collector's InfluxDB 1.x (its windows retention policy). A failed
 * read does not stop the start: it is logged, and the monitors learn anew.
 */
export async function loadSavedReferences(influx: InfluxQL, rpWindows: string, granularity: string, log: Logger): Promise<Map<string, SavedReference>> {
  try {
    const saved = await loadDriftReferences((q) => influx.series(q), rpWindows, granularity, log);
    log.info('drift_references_loaded', { model_versions: [...saved.keys()] });
    return saved;
  } catch (e) {
    log.warn('drift_references_unavailable', { error: (e as Error).message });
    return new Map();
  }
}
