// The InfluxDB transport the config asks for: 1.x (/write, with database and retention policies
// created when allowed) or 2.x/3.x/Cloud (/api/v2/write with a token); and the InfluxQL client of
// the same server (1.x natively, 2.x/3.x through the v1 API with the windows bucket as db).
import type { CollectorConfig } from '../config.ts';
import type { Transport } from './batching-sink.ts';
import { InfluxQL, type InfluxQLOptions } from './influxql.ts';
import { InfluxV1Transport, setupInfluxV1, type InfluxV1Options } from './influx-v1.ts';
import { InfluxV2Transport } from './influx-v2.ts';

export type InfluxSettings = CollectorConfig['influx'];

export async function transportFor(i: InfluxSettings): Promise<Transport> {
  if (i.version === 2)
    return new InfluxV2Transport({
      url: i.url,
      token: i.token ?? '',
      org: i.org,
      buckets: { raw: i.bucketRaw, windows: i.bucketWindows },
      timeoutMs: i.timeoutMs,
    });
  const options: InfluxV1Options = {
    url: i.url,
    database: i.database,
    username: i.username,
    password: i.password,
    policies: { raw: i.rpRaw, windows: i.rpWindows },
    timeoutMs: i.timeoutMs,
  };
  if (i.create) await setupInfluxV1(options, { raw: i.retentionRaw, windows: i.retentionWindows });
  return new InfluxV1Transport(options);
}

export function influxQLOptionsFor(i: InfluxSettings): InfluxQLOptions {
  return i.version === 2
    ? { url: i.url, db: i.bucketWindows, token: i.token, timeoutMs: i.timeoutMs }
    : { url: i.url, db: i.database, username: i.username, password: i.password, timeoutMs: i.timeoutMs };
}

export const influxQLFor = (i: InfluxSettings): InfluxQL => new InfluxQL(influxQLOptionsFor(i));
