// Issue 19 item 8: tokens and secrets of the collector's API, against a real nats-server. Each
// test failed on main 43698b0 (query tokens everywhere, case-sensitive Bearer, one scope,
// change-me accepted, the WebSocket upgraded before its token was checked, no limit on
// failed tokens, /health telling everything to anyone, credentials of URLs in logs and /health).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connect, type NatsConnection } from 'nats';
import { useServices, waitFor } from '../harness/services.ts';
import { upgradeStatus } from '../../bench/hostile/ws-upgrade.ts';
import { startApi, type RunningApi } from '../../collector/api/start.ts';
import { WeakTokenError } from '../../collector/api/token-policy.ts';
import { ConfigError, loadConfig, redacted } from '../../collector/config.ts';
import { createLogger, limitedLogger } from '../../collector/log.ts';
import { EmailNotifier } from '../../collector/alerts/email-notifier.ts';
import { AlertStateMachine } from '../../collector/alerts/state-machine.ts';
import { toNotification } from '../../collector/alerts/notification.ts';

const READ = 'sec-test-read-token-5f2c9a';
const WRITE = 'sec-test-write-token-81d0e4';
const services = useServices({ nats: true });

let nc: NatsConnection;
let api: RunningApi;
// Inside a suite, so these hooks run after useServices' root hooks have started the services.
describe('security', () => {
before(async () => {
  nc = await connect({ servers: services.nats.url });
  // InfluxDB "down", behind a URL with credentials: its error must not carry them anywhere.
  api = await startApi({ port: 0, token: READ, writeToken: WRITE, nats: nc, influx: { url: 'http://admin:hunter2@127.0.0.1:9', db: 'x' } });
});
after(async () => {
  await api?.close();
  await nc?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });

describe('tokens', () => {
  test('placeholder and short tokens are refused at start, by the API and by the config', async () => {
    for (const token of ['change-me', 'CHANGE_ME', 'changeme-please-now-0000', 'short-1234']) {
      await assert.rejects(startApi({ port: 0, token, nats: nc, influx: { url: 'http://127.0.0.1:9', db: 'x' } }), WeakTokenError, token);
      assert.throws(() => loadConfig({ env: { STARWATCH_API_TOKEN: token } }), ConfigError, token);
    }
    assert.throws(() => loadConfig({ env: { STARWATCH_API_TOKEN: READ, STARWATCH_API_WRITE_TOKEN: 'change-me' } }), ConfigError);
    await assert.rejects(startApi({ port: 0, token: READ, writeToken: READ, nats: nc, influx: { url: 'http://127.0.0.1:9', db: 'x' } }), WeakTokenError);
    assert.equal(loadConfig({ env: { STARWATCH_API_TOKEN: 'abcd1234', STARWATCH_API_MIN_TOKEN_LENGTH: '8' } }).api.token, 'abcd1234', 'the length is configurable');
  });

  test('Bearer is case-insensitive; a query token counts on /ws only', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      assert.equal((await get('/models/versions', { authorization: `${scheme} ${READ}` })).status !== 401, true, scheme);
    }
    assert.equal((await get(`/openapi.json?token=${READ}`)).status, 401);
    assert.equal((await get('/openapi.json', { authorization: `bearer ${READ}` })).status, 200);
    const ws = `${api.url}/ws`;
    assert.equal(await upgradeStatus(`${ws}?token=${READ}`), 101);
  });

  test('separate scopes: the read token cannot inject events, the write token cannot read', async () => {
    const post = (token: string) => fetch(`${api.url}/metrics/log`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{oops' });
    const byReader = await post(READ);
    assert.equal(byReader.status, 403);
    assert.equal((await byReader.json()).error.code, 'forbidden');
    const byWriter = await post(WRITE);
    assert.equal(byWriter.status, 400, 'past authentication, refused for its body');
    assert.equal((await get('/openapi.json', { authorization: `Bearer ${WRITE}` })).status, 401);
    assert.equal(await upgradeStatus(`${api.url}/ws?token=${WRITE}`), 401);
  });

  test('the WebSocket token is checked before the upgrade: a stranger gets HTTP 401, no socket', async () => {
    const before = api.hub.stats();
    assert.equal(await upgradeStatus(`${api.url}/ws`), 401);
    assert.equal(await upgradeStatus(`${api.url}/ws?token=wrong-token-0000000000`), 401);
    assert.equal(await upgradeStatus(`${api.url}/ws`, { authorization: 'Bearer nope' }), 401);
    assert.equal(api.hub.stats().clients, before.clients);
    assert.equal(api.counters.authRefused.get('no_token')! >= 1, true);
  });

  test('/health without a token says only up or down; with it, no credential of any URL', async () => {
    const open = await get('/health');
    assert.equal(open.status, 503, 'InfluxDB is down');
    assert.deepEqual(await open.json(), { status: 'degraded' });
    const full = await get('/health', { authorization: `Bearer ${READ}` });
    const text = await full.text();
    assert.equal(JSON.parse(text).dependencies.influxdb.ok, false);
    assert.ok(JSON.parse(text).dependencies.influxdb.error.length > 0);
    assert.ok(!text.includes('hunter2'), text);
  });
});

describe('failed authentication is rate-limited per address', () => {
  let limited: RunningApi;
  before(async () => {
    limited = await startApi({ port: 0, token: READ, nats: nc, influx: { url: 'http://127.0.0.1:9', db: 'x' }, limits: { authFailBurst: 3, authFailRatePerSec: 0.01 } });
  });
  after(() => limited?.close());

  test('past the burst of failures: 429 with Retry-After, even for the right token, and counted', async () => {
    const at = (token: string) => fetch(`${limited.url}/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await at(`guess-${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const right = await at(READ);
    assert.equal(right.status, 429, 'a guesser learns nothing from a right guess while blocked');
    assert.ok(Number(right.headers.get('retry-after')) >= 1);
    assert.equal(await upgradeStatus(`${limited.url}/ws?token=${READ}`), 429);
    assert.equal(limited.counters.authRefused.get('wrong_token'), 3);
    assert.equal(limited.counters.authRefused.get('rate_limited'), 4);
  });
});

describe('secrets never in logs', () => {
  test('user:password in --influx-url becomes username/password; the URL and the redacted config have no password', () => {
    const c = loadConfig({ flags: { influxUrl: 'http://admin:hunter2@127.0.0.1:8086' } });
    assert.equal(c.influx.url, 'http://127.0.0.1:8086');
    assert.deepEqual([c.influx.username, c.influx.password], ['admin', 'hunter2']);
    assert.ok(!JSON.stringify(redacted(c)).includes('hunter2'));
  });

  test('the logger masks credentials in any string and in errors; repeated lines are held back and counted', () => {
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l));
    log.error('x', { error: new Error('GET http://admin:hunter2@h:8086/ping failed'), detail: 'nats://u:hunter2@h:4222, Authorization: Bearer hunter2' });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes('hunter2'), lines[0]);
    assert.match(lines[0], /admin|\*\*\*@h:8086/);
    let now = 0;
    const limited = limitedLogger(log, 1000, () => now);
    for (let i = 0; i < 50; i++) limited.warn('bad');
    now = 1500;
    limited.warn('bad');
    assert.equal(lines.length, 3);
    assert.equal(JSON.parse(lines[2]).suppressed, 49);
  });

  test('a collector that fails to start with credentials in --influx-url never prints them', async () => {
    const child = spawn(process.execPath, ['bin/starwatch.js', 'collector', '--nats-url', services.nats.url, '--influx-url', 'http://admin:hunter2@127.0.0.1:9', '--http-port', '0', '--api-port', '0', '--influx-timeout-ms', '500'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      // Either it exits (start_failed) or, if it waits for InfluxDB, it says so: both name the failure.
      await waitFor(() => child.exitCode !== null || /influx|start_failed|collector_failed/i.test(output.replace(/influx_url|influx\.url/g, '')), { what: 'the collector to report InfluxDB', timeoutMs: 60_000 });
    } finally {
      child.kill('SIGKILL');
    }
    assert.match(output, /collector_/);
    assert.ok(!output.includes('hunter2'), output);
  });
});

test('SMTP without TLS is refused unless allowed: the password never crosses in the clear', async () => {
  const seen: string[] = [];
  const server = createTcpServer((socket) => {
    socket.write('220 plain ESMTP\r\n');
    socket.on('data', (d) => {
      for (const line of d.toString().split('\r\n').filter(Boolean)) {
        seen.push(line);
        if (/^EHLO/i.test(line)) socket.write('250-plain\r\n250 AUTH PLAIN\r\n');
        else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const notifier = await EmailNotifier.create({ host: '127.0.0.1', port, secure: false, user: 'alerts', password: 'hunter2-smtp', from: 'a@example.test', to: ['b@example.test'], timeoutMs: 2000 });
    const [transition] = new AlertStateMachine().evaluate(
      [{ ruleId: 'fpr_above_target', key: 'overall', active: true, severity: 'critical', forMs: 0, value: 0.0008, threshold: 0.0005, summary: 'FPR' }],
      Date.UTC(2025, 0, 1),
    );
    await assert.rejects(notifier.notify(toNotification(transition)!));
    assert.ok(seen.some((l) => /^EHLO/i.test(l)), 'it did talk to the server');
    assert.ok(!seen.some((l) => /^AUTH|^MAIL/i.test(l)), seen.join('|'));
  } finally {
    server.close();
  }
});
});
