// The one InfluxQL client: the v1 `/query` endpoint, which InfluxDB 1.x serves natively and
// 2.x/3.x and Cloud through their v1 compatibility API (`Authorization: Token ...`). Database
// setup, the window read-back, the drift references and the HTTP API all ask through it, so auth,
// timeouts and error handling are written once. Statements go in a POST body: CREATE and ALTER
// need POST, and a body keeps long queries out of URLs and proxy logs.

export interface InfluxQLOptions {
  url: string;
  /** Database the statements run in (none for CREATE DATABASE). */
  db?: string;
  /** 2.x/3.x/Cloud token. Secret. */
  token?: string;
  /** 1.x credentials, when auth is on. Secret (the password). */
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

/** `unreachable`: no answer (retry later); `refused`: InfluxDB answered with an error. */
export class InfluxQLError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'refused',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'InfluxQLError';
  }
}

interface QueryResponse {
  results?: { statement_id: number; series?: Series[]; error?: string }[];
  error?: string;
}

export class InfluxQL {
  constructor(private readonly options: InfluxQLOptions) {}

  /** Runs `;`-separated statements; one list of series per statement. Times are epoch ms. */
  async query(q: string): Promise<Series[][]> {
    const form = new URLSearchParams({ q, epoch: 'ms' });
    if (this.options.db) form.set('db', this.options.db);
    const res = await fetch(new URL('/query', this.options.url), {
      method: 'POST',
      headers: this.authHeaders(),
      body: form,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    }).catch((e: Error) => {
      throw new InfluxQLError('unreachable', `InfluxDB unreachable: ${e.message}`);
    });
    const text = await res.text().catch(() => '');
    const body = parse(text);
    if (!res.ok || body.error) throw new InfluxQLError('refused', `InfluxDB answered ${res.status}: ${body.error ?? (text.slice(0, 200) || 'no body')}`, res.status);
    return (body.results ?? []).map((r) => {
      if (r.error) throw new InfluxQLError('refused', `InfluxDB: ${r.error}`, res.status);
      return r.series ?? [];
    });
  }

  /** The series of a single statement. */
  async series(q: string): Promise<Series[]> {
    const [first] = await this.query(q);
    return first ?? [];
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
      const res = await fetch(new URL('/ping', this.options.url), {
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
    const { token, username, password } = this.options;
    if (token) return { authorization: `Token ${token}` };
    if (username) return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
    return {};
  }
}

function parse(text: string): QueryResponse {
  try {
    return JSON.parse(text) as QueryResponse;
  } catch {
    return {};
  }
}

/** An InfluxQL string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An InfluxQL identifier (database, retention policy, measurement). */
export const quoteIdent = (name: string): string => `"${name.replace(/["\\]/g, '\\$&')}"`;
