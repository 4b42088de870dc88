// InfluxQL over HTTP: the v1 `/query` endpoint, which InfluxDB 1.x serves natively and 2.x/3.x and
// Cloud serve through their v1 compatibility API (with `Authorization: Token ...`).
import { ApiError } from './http.ts';

export interface InfluxQueryConfig {
  url: string;
  db: string;
  /** 2.x/3.x/Cloud token. */
  token?: string;
  /** 1.x credentials, when auth is on. */
  username?: string;
  password?: string;
  timeoutMs?: number;
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export type Row = Record<string, unknown>;

interface QueryResponse {
  results?: { statement_id: number; series?: Series[]; error?: string }[];
  error?: string;
}

export class InfluxQL {
  constructor(private readonly config: InfluxQueryConfig) {}

  /** Runs `;`-separated statements; one list of series per statement. Times are epoch ms. */
  async query(q: string): Promise<Series[][]> {
    const url = new URL('/query', this.config.url);
    url.searchParams.set('db', this.config.db);
    url.searchParams.set('epoch', 'ms');
    url.searchParams.set('q', q);
    const res = await fetch(url, {
      headers: this.authHeaders(),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
    }).catch((e: Error) => {
      throw new ApiError(503, 'influx_unavailable', `InfluxDB unreachable: ${e.message}`);
    });
    const body = (await res.json().catch(() => ({}))) as QueryResponse;
    if (!res.ok || body.error) {
      throw new ApiError(502, 'influx_error', `InfluxDB answered ${res.status}: ${body.error ?? 'no body'}`);
    }
    return (body.results ?? []).map((r) => {
      if (r.error) throw new ApiError(502, 'influx_error', `InfluxDB: ${r.error}`);
      return r.series ?? [];
    });
  }

  /** The rows of one statement's series, with each series' tags merged into its rows. */
  static rows(series: Series[]): Row[] {
    const out: Row[] = [];
    for (const s of series) {
      for (const values of s.values) {
        const row: Row = { ...s.tags };
        s.columns.forEach((c, i) => (row[c] = values[i]));
        out.push(row);
      }
    }
    return out;
  }

  async ping(): Promise<{ ok: boolean; ms: number; error?: string }> {
    const start = performance.now();
    try {
      const res = await fetch(new URL('/ping', this.config.url), {
        headers: this.authHeaders(),
        signal: AbortSignal.timeout(1000),
      });
      await res.arrayBuffer();
      const ok = res.status === 204 || res.status === 200;
      return { ok, ms: performance.now() - start, ...(ok ? {} : { error: `HTTP ${res.status}` }) };
    } catch (e) {
      return { ok: false, ms: performance.now() - start, error: (e as Error).message };
    }
  }

  private authHeaders(): Record<string, string> {
    const { token, username, password } = this.config;
    if (token) return { authorization: `Token ${token}` };
    if (username) return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
    return {};
  }
}

/** An InfluxQL string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
