import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServices } from '../harness/services.ts';

const services = useServices({ influx: true });

async function influxQL(q: string, db?: string): Promise<any> {
  const params = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${services.influx.url}/query`, { method: 'POST', body: params });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

test('a real influxd accepts line protocol on /write and answers InfluxQL on /query', async () => {
  await influxQL('CREATE DATABASE harness');
  const write = await fetch(`${services.influx.url}/write?db=harness&precision=ns`, {
    method: 'POST',
    body: 'probe,agent=a1 value=42i 1700000000000000000\n',
  });
  assert.equal(write.status, 204, await write.text());
  const result = await influxQL('SELECT value FROM probe', 'harness');
  assert.deepEqual(result.results[0].series[0].values, [['2023-11-14T22:13:20Z', 42]]);
});
