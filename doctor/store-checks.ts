// The collector and what it writes: ready, windows arriving in InfluxDB, retention policies there.
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

export async function influxQL(target: InfluxTarget, q: string, timeoutMs: number): Promise<any[]> {
  const headers: Record<string, string> = target.token ? { authorization: `Token ${target.token}` } : {};
  const res = await fetch(`${target.url}/query`, {
    method: 'POST', headers, body: new URLSearchParams({ q, db: target.database }), signal: AbortSignal.timeout(timeoutMs),
  });
  const body: any = await res.json().catch(() => ({}));
  const error = body.error ?? body.results?.[0]?.error;
  if (!res.ok || error) throw new Error(`InfluxDB answered ${res.status}: ${error ?? 'no error text'}`);
  return body.results?.[0]?.series ?? [];
}

export async function checkWriting(target: InfluxTarget, withinS: number, timeoutMs: number): Promise<CheckResult[]> {
  const name = 'collector writing';
  return guarded(name, `check STARWATCH_INFLUX_URL (${target.url}) and the database name (${target.database})`, async () => {
    const [s] = await influxQL(target, `SELECT last("count") FROM "window" WHERE time > now() - ${withinS}s`, timeoutMs);
    if (!s) return fail(name, `no window in the last ${withinS} s`, 'windows are written when they close: check the collector log and that agents send events (consumer check)');
    const ageS = Math.round((Date.now() - Date.parse(s.values[0][0])) / 1000);
    return ok(name, `newest window ${ageS} s old`);
  });
}

export async function checkRetention(target: InfluxTarget, wanted: readonly string[], timeoutMs: number): Promise<CheckResult[]> {
  const name = 'retention policies';
  return guarded(name, `create the database ${target.database} (the collector does it on start with influx.create)`, async () => {
    const [s] = await influxQL(target, `SHOW RETENTION POLICIES ON "${target.database}"`, timeoutMs);
    const have = new Map<string, string>((s?.values ?? []).map((v: any[]) => [v[0], v[1]]));
    const missing = wanted.filter((rp) => !have.has(rp));
    if (missing.length) return fail(name, `missing ${missing.join(', ')}`, 'start the collector with influx.create (it needs an admin user), or create them by hand');
    return ok(name, wanted.map((rp) => `${rp} ${have.get(rp)}`).join(', '));
  });
}
