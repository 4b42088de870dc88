// The API settings: from flags, STARWATCH_API_* or the file, checked, and the token kept out of
// what is logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, loadConfig, redacted } from '../../collector/config.ts';

test('no token by default: the API stays off; port 9471 beside the 9470 of the probes', () => {
  const c = loadConfig({});
  assert.equal(c.api.token, undefined);
  assert.deepEqual([c.api.port, c.http.port], [9471, 9470]);
  assert.deepEqual(DEFAULTS.api.token, undefined);
});

test('the token comes from STARWATCH_API_TOKEN or the file, flags win, and it is never in the redacted config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-config-'));
  try {
    const file = join(dir, 'collector.json');
    writeFileSync(file, JSON.stringify({ api: { token: 'from-file-0123456789', maxClients: 5 } }));
    assert.equal(loadConfig({ file }).api.token, 'from-file-0123456789');
    const c = loadConfig({ file, env: { STARWATCH_API_TOKEN: 'from-env-0123456789', STARWATCH_API_PORT: '0' }, flags: { apiMaxClients: '7' } });
    assert.deepEqual([c.api.token, c.api.port, c.api.maxClients], ['from-env-0123456789', 0, 7]);
    const text = JSON.stringify(redacted(c));
    assert.ok(!text.includes('from-env-0123456789'));
    assert.equal((redacted(c) as { api: { token: string } }).api.token, '***');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('limits that cannot work are refused', () => {
  assert.throws(() => loadConfig({ env: { STARWATCH_API_MAX_CLIENTS: '0' } }), ConfigError);
  assert.throws(() => loadConfig({ env: { STARWATCH_API_LOG_RATE_PER_SEC: '0' } }), ConfigError);
});
