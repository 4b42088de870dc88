// InfluxDB 1.x: line protocol on /write (ns precision) into a database and retention policy;
// InfluxQL on /query to create them. Basic auth when a username is configured.
import type { RetentionTarget } from '../../schemas/measurements.ts';
import type { Transport } from './batching-sink.ts';
import { errorForStatus } from './classify.ts';
import { postParts, type PostResult } from './http-post.ts';
import { InfluxQL, InfluxQLError, quoteIdent } from './influxql.ts';
import { WriteError } from './sink.ts';

export interface InfluxV1Options {
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** Retention policy names per target (schemas/measurements.ts RETENTION). */
  policies: Record<RetentionTarget, string>;
  timeoutMs: number;
}

export class InfluxV1Transport implements Transport {
  private readonly headers: Record<string, string>;
  constructor(private readonly options: InfluxV1Options) {
    this.headers = { 'content-type': 'text/plain; charset=utf-8', ...authHeader(options) };
  }

  async send(target: RetentionTarget, body: readonly Buffer[]): Promise<void> {
    const { url, database, policies, timeoutMs } = this.options;
    const query = new URLSearchParams({ db: database, rp: policies[target], precision: 'ns' });
    let res: PostResult;
    try {
      res = await postParts(new URL(`${url}/write?${query}`), body, this.headers, timeoutMs);
    } catch (e) {
      throw new WriteError('unreachable', (e as Error).message, true);
    }
    if (res.status !== 204) throw errorForStatus(res.status, res.text);
  }
}

export interface RetentionSetup {
  raw: string;
  windows: string;
}

/**
 * Creates the database and its two retention policies (windows is the DEFAULT one), or brings
 * their durations to the configured ones. Durations are InfluxQL literals such as 7d or 400d.
 */
export async function setupInfluxV1(options: InfluxV1Options, durations: RetentionSetup): Promise<void> {
  const db = quoteIdent(options.database);
  await influxQL(options, `CREATE DATABASE ${db}`);
  for (const target of ['raw', 'windows'] as const) {
    const rp = quoteIdent(options.policies[target]);
    const duration = checkDuration(durations[target]);
    const suffix = target === 'windows' ? ' DEFAULT' : '';
    const created = await influxQL(
      options,
      `CREATE RETENTION POLICY ${rp} ON ${db} DURATION ${duration} REPLICATION 1${suffix}`,
      true,
    );
    if (!created) await influxQL(options, `ALTER RETENTION POLICY ${rp} ON ${db} DURATION ${duration}${suffix}`);
  }
}

/** Runs one statement; with `tolerateExists`, an "already exists" answer returns false. */
async function influxQL(options: InfluxV1Options, q: string, tolerateExists = false): Promise<boolean> {
  const client = new InfluxQL({ url: options.url, username: options.username, password: options.password, timeoutMs: options.timeoutMs });
  try {
    await client.query(q);
    return true;
  } catch (e) {
    if (tolerateExists && e instanceof InfluxQLError && /already exists/.test(e.message)) return false;
    throw new Error(`InfluxDB refused "${q}": ${(e as Error).message}`);
  }
}

function authHeader(options: { username?: string; password?: string }): Record<string, string> {
  if (!options.username) return {};
  const basic = Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64');
  return { authorization: `Basic ${basic}` };
}

function checkDuration(duration: string): string {
  if (!/^(INF|\d+(ns|u|µ|ms|s|m|h|d|w))$/.test(duration)) throw new Error(`bad retention duration "${duration}"`);
  return duration;
}
