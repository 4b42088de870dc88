// The provisioning files parse and agree with the boards: the datasource the panels point at is
// the one provisioned, and the dashboard provider loads files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DATASOURCE } from '../../grafana/influxql.ts';

const read = (path: string) => parse(readFileSync(new URL(`../../grafana/provisioning/${path}`, import.meta.url), 'utf8'));

test('the provisioned datasource is the InfluxQL datasource every panel points at', () => {
  const file = read('datasources/starwatch.yaml');
  assert.equal(file.apiVersion, 1);
  assert.equal(file.datasources.length, 1);
  const ds = file.datasources[0];
  assert.equal(ds.uid, DATASOURCE.uid);
  assert.equal(ds.type, DATASOURCE.type);
  assert.equal(ds.jsonData.version, 'InfluxQL');
  assert.equal(ds.jsonData.dbName, 'starwatch');
  assert.match(ds.url, /^\$\{\w+\}$/, 'the URL comes from the environment');
  assert.match(ds.secureJsonData.httpHeaderValue1, /^Token \$\{\w+\}$/, 'the token comes from the environment, never the file');
});

test('the dashboard provider loads the generated files into one folder', () => {
  const file = read('dashboards/starwatch.yaml');
  assert.equal(file.apiVersion, 1);
  const [provider] = file.providers;
  assert.equal(provider.type, 'file');
  assert.equal(provider.allowUiUpdates, false);
  assert.ok(provider.options.path.startsWith('/'), 'an absolute path inside the Grafana container');
});
