// The collector and what it writes: ready, windows arriving in InfluxDB, retention policies there.
import { InfluxQL, type Series } from '../collector/sinks/influxql.ts';
import { fail, getJson, guarded, ok, type CheckResult } from './check.ts';

export interface InfluxTarget {
  url: string;
  database: string;
  /** Sent as `Authorization: Token ...` where set (2.x/3.x compatibility API). */
  token?: string;
}

export async function checkCollector(url: string, timeoutMs: number): Promise<CheckResult[]> {
  const name = `collector ${url}`;
  return guarded(name, `start the collector and check that ${url} reaches its HTTP port (STARWATCH_HTTP_PORT, 9470)`, async () => {
    const { status, body } = await getJson(`${url}/readyz`, timeoutMs);
    if (status === 200) return ok(name, 'ready');
    return fail(name, `not ready: ${JSON.stringify(body)}`, 'read the collector log: it names the store or connection it waits for');
  });
}

/** The first statement's series, through the collector's InfluxQL client (times in epoch ms). */
export function influxQL(target: InfluxTarget, q: string, timeoutMs: number): Promise<Series[]> {
  return new InfluxQL({ url: target.url, db: target.database, token: target.token, timeoutMs }).series(q);
}

export async function checkWriting(target: InfluxTarget, withinS: number, timeoutMs: number): Promise<CheckResult[]> {
  const name = 'collector writing';
  return guarded(name, `check STARWATCH_INFLUX_URL (${target.url}) and the database name (${target.database})`, async () => {
    const [s] = await influxQL(target, `SELECT last("count") FROM "window" WHERE time > now() - ${withinS}s`, timeoutMs);
    if (!s) return fail(name, `no window in the last ${withinS} s`, 'windows are written when they close: check the collector log and that agents send events (consumer check)');
    const ageS = Math.round((Date.now() - Number(s.values[0][0])) / 1000);
    return ok(name, `newest window ${ageS} s old`);
  });
}

export async function checkRetention(target: InfluxTarget, wanted: readonly string[], timeoutMs: number): Promise<CheckResult[]> {
  const name = 'retention policies';
  return guarded(name, `create the database ${target.database} (the collector does it on start with influx.create)`, async () => {
    const [s] = await influxQL(target, `SHOW RETENTION POLICIES ON "${target.database}"`, timeoutMs);
    const have = new Map<string, string>((s?.values ?? []).map((v) => [String(v[0]), String(v[1])]));
    const missing = wanted.filter((rp) => !have.has(rp));
    if (missing.length) return fail(name, `missing ${missing.join(', ')}`, 'start the collector with influx.create (it needs an admin user), or create them by hand');
    return ok(name, wanted.map((rp) => `${rp} ${have.get(rp)}`).join(', '));
  });
}
