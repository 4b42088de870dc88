// The v2 write path (/api/v2/write with a token, through @influxdata/influxdb-client) against a
// real server that speaks it: victoria-metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, publishBatches, toBatches } from '../fixtures/collector-events.ts';
import { useServices, waitFor } from '../harness/services.ts';
import { collectorConfig, withCollector } from './collector-setup.ts';

const services = useServices({ nats: true, victoria: true });

/** Samples of one series from victoria-metrics' export API. */
async function exported(match: string): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]> {
  await fetch(`${services.victoria.url}/internal/force_flush`);
  const res = await fetch(`${services.victoria.url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
  const text = await res.text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('raw and window points reach an InfluxDB v2 write API', async () => {
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000;
  const events = Array.from({ length: 300 }, (_, i) => makeEvent({ id: `v-${i}`, agent: 'agent-v', tsMs: base + i * 100, totalMs: 1 + i / 1000 }));
  events.push(makeEvent({ id: 'v-last', agent: 'agent-v', tsMs: base + 59_999 }));
  const config = collectorConfig(services.nats.url, services.victoria.url, 'unused');
  config.influx.version = 2;
  config.influx.token = 'secret-token';
  config.influx.org = 'starwatch';
  await withCollector(config, async (nc, collector) => {
    await publishBatches(nc.jetstream(), toBatches(events, 50));
    const raw = await waitFor(async () => {
      const series = await exported('{__name__="inference_total_ms"}');
      const n = series.reduce((s, x) => s + x.values.length, 0);
      return n === events.length && series;
    }, { timeoutMs: 20_000, what: 'raw samples in victoria-metrics' });
    assert.equal(raw[0].metric.agent, 'agent-v');
    const minute = await waitFor(async () => {
      const s = await exported('{__name__="window_count",granularity="1m",agent="*",model_version="*"}');
      return s.length > 0 && s;
    }, { timeoutMs: 20_000, what: 'the 1m window in victoria-metrics' });
    assert.deepEqual([minute[0].values[0], minute[0].timestamps[0]], [events.length, base]);
    assert.equal(collector.stats().writeErrors, 0);
  });
});
