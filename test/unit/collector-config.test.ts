import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, envName, flagKey, flagName, loadConfig, redacted } from '../../collector/config.ts';
import { createLogger } from '../../collector/log.ts';

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'sw-config-')), 'c.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

test('names: flags and environment variables follow the setting path', () => {
  assert.equal(flagName('nats.ackWaitMs'), '--nats-ack-wait-ms');
  assert.equal(flagKey('nats.ackWaitMs'), 'natsAckWaitMs');
  assert.equal(envName('influx.maxInFlight'), 'STARWATCH_INFLUX_MAX_IN_FLIGHT');
});

test('precedence: flags > environment > file > defaults', () => {
  const path = file({ nats: { url: 'nats://file:4222', durable: 'from-file' }, influx: { batchSize: 100 }, replica: 'f' });
  const env = { STARWATCH_NATS_URL: 'nats://env:4222', STARWATCH_INFLUX_BATCH_SIZE: '200' };
  const c = loadConfig({ file: path, env, flags: { natsUrl: 'nats://flag:4222' } });
  assert.equal(c.nats.url, 'nats://flag:4222');
  assert.equal(c.influx.batchSize, 200);
  assert.equal(c.nats.durable, 'from-file');
  assert.equal(c.replica, 'f');
  assert.equal(c.influx.maxInFlight, DEFAULTS.influx.maxInFlight);
});

test('bad settings are typed errors', () => {
  assert.throws(() => loadConfig({ env: { STARWATCH_INFLUX_BATCH_SIZE: 'lots' } }), ConfigError);
  assert.throws(() => loadConfig({ flags: { influxVersion: '2' } }), /token/);
  assert.throws(() => loadConfig({ file: file({ nats: { nope: 1 } }) }), /unknown setting "nats.nope"/);
  assert.throws(() => loadConfig({ env: { STARWATCH_INFLUX_CREATE: 'maybe' } }), /true or false/);
});

test('secrets never reach the logs', () => {
  const c = loadConfig({
    env: { STARWATCH_INFLUX_TOKEN: 'tok-123', STARWATCH_INFLUX_PASSWORD: 'pw-456', STARWATCH_NATS_URL: 'nats://u:pw-789@host:4222' },
    flags: { influxVersion: '2' },
  });
  const lines: string[] = [];
  createLogger('info', (l) => lines.push(l)).info('start', { config: redacted(c), token: 'tok-123' });
  const text = lines.join('');
  for (const secret of ['tok-123', 'pw-456', 'pw-789']) assert.ok(!text.includes(secret), secret);
  assert.match(text, /"event":"start"/);
});
