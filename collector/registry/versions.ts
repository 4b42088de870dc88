// GET /models/versions: every model known, from what agents announced (`model` points), the
// traffic windows, validation and training runs and rollout decisions: per version its identity
// (id, sha256, inputs, outputs), where it runs and in which role, first and last seen, its share
// of the last 7 days' traffic, the runs attached to it and the state of its rollout.
import { ALL, MEASUREMENTS } from '../../schemas/measurements.ts';
import { InfluxQL, quote, type Row, type Series } from '../sinks/influxql.ts';

export interface ModelVersion {
  model_version: string;
  id: string | null;
  sha256: string | null;
  inputs: string[];
  outputs: string[];
  roles: string[];
  agents: string[];
  first_seen: string | null;
  last_seen: string;
  events_7d: number;
  traffic_share: number | null;
  validation_runs: number;
  training_runs: number;
  /** The last gate decision of the version as a rollout candidate (go, wait, no-go), or null. */
  rollout_state: string | null;
}

const M = MEASUREMENTS;
const windows = `FROM "${M.window}" WHERE "granularity" = '1m' AND "agent" = ${quote(ALL)} AND "model_version" != ${quote(ALL)}`;
export const REGISTRY_QUERY = [
  `SELECT sum("count") AS events ${windows} AND time > now() - 7d GROUP BY "model_version"`,
  `SELECT last("count") ${windows} GROUP BY "model_version"`,
  `SELECT first("sha256") FROM "${M.model}" GROUP BY "model_version"`,
  `SELECT last("sha256") FROM "${M.model}" GROUP BY "model_version"`,
  `SELECT last("id") AS id, last("sha256") AS sha256, last("inputs") AS inputs, last("outputs") AS outputs FROM "${M.model}" GROUP BY "model_version", "role", "agent"`,
  `SELECT count("run_id") AS runs FROM "${M.validation}" WHERE "kind" = 'run' GROUP BY "model_version"`,
  `SELECT count("value") FROM "${M.training}" GROUP BY "model_version", "run"`,
  `SELECT last("message") FROM "${M.rolloutDecision}" GROUP BY "candidate", "verdict"`,
].join('; ');

const byVersion = (rows: Row[], key = 'model_version'): Map<string, Row[]> => {
  const out = new Map<string, Row[]>();
  for (const r of rows) out.set(String(r[key]), [...(out.get(String(r[key])) ?? []), r]);
  return out;
};

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

export function registryFrom(results: Series[][]): ModelVersion[] {
  const [week, lastWindow, firstAnnounce, lastAnnounce, identity, validation, training, decisions] = results.map((s) => InfluxQL.rows(s ?? []));
  const events = new Map((week ?? []).map((r) => [String(r.model_version), Number(r.events)]));
  const total = [...events.values()].reduce((a, b) => a + b, 0);
  const lastTraffic = new Map((lastWindow ?? []).map((r) => [String(r.model_version), Number(r.time)]));
  const first = new Map((firstAnnounce ?? []).map((r) => [String(r.model_version), Number(r.time)]));
  const lastSeen = new Map((lastAnnounce ?? []).map((r) => [String(r.model_version), Number(r.time)]));
  const ids = byVersion(identity ?? []);
  const validationRuns = new Map((validation ?? []).map((r) => [String(r.model_version), Number(r.runs)]));
  const trainingRuns = byVersion(training ?? []);
  const state = new Map<string, { at: number; verdict: string }>();
  for (const r of decisions ?? []) {
    const at = Number(r.time);
    if ((state.get(String(r.candidate))?.at ?? -1) < at) state.set(String(r.candidate), { at, verdict: String(r.verdict) });
  }
  const versions = new Set([...events.keys(), ...lastTraffic.keys(), ...lastSeen.keys(), ...validationRuns.keys(), ...trainingRuns.keys()]);
  return [...versions]
    .map((v): ModelVersion => {
      const known = ids.get(v) ?? [];
      const one = known[0];
      const seen = Math.max(lastTraffic.get(v) ?? -Infinity, lastSeen.get(v) ?? -Infinity);
      const events7d = events.get(v) ?? 0;
      return {
        model_version: v,
        id: one ? String(one.id) : null,
        sha256: one ? String(one.sha256) : null,
        inputs: one && one.inputs ? String(one.inputs).split(',') : [],
        outputs: one && one.outputs ? String(one.outputs).split(',') : [],
        roles: [...new Set(known.map((r) => String(r.role)))].sort(),
        agents: [...new Set(known.map((r) => String(r.agent)))].sort(),
        first_seen: iso(first.get(v)),
        last_seen: iso(Number.isFinite(seen) ? seen : undefined) ?? '',
        events_7d: events7d,
        traffic_share: total > 0 ? events7d / total : null,
        validation_runs: validationRuns.get(v) ?? 0,
        training_runs: trainingRuns.get(v)?.length ?? 0,
        rollout_state: state.get(v)?.verdict ?? null,
      };
    })
    .sort((a, b) => b.last_seen.localeCompare(a.last_seen));
}
