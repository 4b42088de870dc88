// InfluxDB 2.x, 3.x and Cloud: the v2 write API (/api/v2/write, token auth) through the official
// client's transport. Batching and retries stay in BatchingSink, so both versions behave alike.
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import type { RetentionTarget } from '../../schemas/measurements.ts';
import type { Transport } from './batching-sink.ts';
import { errorForStatus } from './classify.ts';
import { WriteError } from './sink.ts';

export interface InfluxV2Options {
  url: string;
  token: string;
  org: string;
  /** Bucket per target; raw and windows may be the same bucket. */
  buckets: Record<RetentionTarget, string>;
  timeoutMs: number;
}

export class InfluxV2Transport implements Transport {
  private readonly client: InfluxDB;
  constructor(private readonly options: InfluxV2Options) {
    this.client = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
  }

  async send(target: RetentionTarget, body: readonly Buffer[]): Promise<void> {
    const query = new URLSearchParams({ org: this.options.org, bucket: this.options.buckets[target], precision: 'ns' });
    try {
      // The client's transport takes a string body.
      await this.client.transport.request(`/api/v2/write?${query}`, Buffer.concat(body).toString('utf8'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    } catch (e) {
      if (e instanceof HttpError) throw errorForStatus(e.statusCode, e.body ?? e.message);
      throw new WriteError('unreachable', (e as Error).message, true);
    }
  }
}
