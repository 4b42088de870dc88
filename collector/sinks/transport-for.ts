// The InfluxDB transport the config asks for: 1.x (/write, with database and retention policies
// created when allowed) or 2.x/3.x/Cloud (/api/v2/write with a token).
import type { CollectorConfig } from '../config.ts';
import type { Transport } from './batching-sink.ts';
import { InfluxV1Transport, setupInfluxV1, type InfluxV1Options } from './influx-v1.ts';
import { InfluxV2Transport } from './influx-v2.ts';

export async function transportFor(config: CollectorConfig): Promise<Transport> {
  const i = config.influx;
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
