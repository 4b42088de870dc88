// GET /alerts/recent: alert state changes, newest first, from the `alert` measurement. The source
// is an interface so the alert engine can answer from memory instead, if it keeps its state there.
import { MEASUREMENTS } from '../../schemas/measurements.ts';
import { InfluxQL, quote } from '../sinks/influxql.ts';
import type { Reply, RouteContext } from './route.ts';
import type { AlertsQuery } from './route-schemas.ts';

export interface AlertRecord {
  time: string;
  alert_id: string | null;
  rule: string;
  severity: string;
  state: string;
  key: string;
  value: number | null;
  threshold: number | null;
  message: string | null;
}

export interface AlertQuery {
  severity?: string;
  limit: number;
  /** Only alerts whose latest state is not `resolved`. */
  activeOnly: boolean;
}

export interface AlertSource {
  recent(query: AlertQuery): Promise<AlertRecord[]>;
}

export async function recentAlerts(ctx: RouteContext<AlertsQuery>): Promise<Reply> {
  const { severity, limit, active_only } = ctx.query;
  const query: AlertQuery = { severity, limit, activeOnly: active_only === 'true' || active_only === '1' };
  const key = `alerts ${JSON.stringify(query)}`;
  const body = await ctx.counters.queries.get(key, async () => ({ alerts: await ctx.deps.alerts.recent(query) }));
  return { status: 200, body };
}

export class InfluxAlertSource implements AlertSource {
  constructor(private readonly influx: InfluxQL) {}

  async recent({ severity, limit, activeOnly }: AlertQuery): Promise<AlertRecord[]> {
    const where = severity ? ` WHERE "severity" = ${quote(severity)}` : '';
    const from = `SELECT * FROM "${MEASUREMENTS.alert}"${where}`;
    // Latest change per (rule, key) when only active ones are wanted; state and severity are tags,
    // so grouping by rule and key alone keeps them as columns of that latest row.
    const q = activeOnly ? `${from} GROUP BY "rule", "key" ORDER BY time DESC LIMIT 1` : `${from} ORDER BY time DESC LIMIT ${limit}`;
    const [series] = await this.influx.query(q);
    const rows = InfluxQL.rows(series ?? []).map(toRecord);
    const wanted = activeOnly ? rows.filter((r) => r.state !== 'resolved') : rows;
    return wanted.sort((a, b) => b.time.localeCompare(a.time)).slice(0, limit);
  }
}

function toRecord(row: Record<string, unknown>): AlertRecord {
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    time: new Date(Number(row.time)).toISOString(),
    alert_id: str(row.alert_id),
    rule: str(row.rule) ?? '',
    severity: str(row.severity) ?? '',
    state: str(row.state) ?? '',
    key: str(row.key) ?? '',
    value: num(row.value),
    threshold: num(row.threshold),
    message: str(row.message),
  };
}
