// Issue 19 item 7: NATS identity. A real nats-server runs the shipped least-privilege config
// (deploy/nats/starwatch.conf) with a throwaway CA and certificates made by openssl here and
// NKeys made here. On main 43698b0 the collector had no TLS, NKey or creds options at all, and
// nats.js used TLS only when the server offered it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, nkeys, type NatsConnection } from 'nats';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { freePort } from '../../deploy/local/ports.ts';
import { startReady, type ServiceProcess } from '../../deploy/local/process.ts';
import { connectionOptions, type NatsOptions } from '../../agent/publish/connection.ts';
import { connectNats } from '../../collector/consume/connection.ts';
import { DEFAULTS, type CollectorConfig } from '../../collector/config.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { createLogger } from '../../collector/log.ts';
import { eventsSubject, heartbeatSubject } from '../../schemas/subjects.ts';
import type { EventBatch } from '../../schemas/inference-event.ts';
import { makeEvent } from '../fixtures/collector-events.ts';
import { makeOperator } from './creds-jwt.ts';

const dir = tempDir('starwatch-nats-tls-');
const services = useServices({ nats: true, influx: true });
const file = (name: string) => join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, and `name`.pem/-key.pem signed by it (with 127.0.0.1 as its address, for the server). */
function makeCa(ca: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}-key.pem`, '-out', `${ca}.pem`);
}
function makeCert(ca: string, name: string): void {
  writeFileSync(file(`${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}
/** A user NKey: its seed in `name`.nk, its public key returned. */
function makeNkey(name: string): string {
  const user = nkeys.createUser();
  writeFileSync(file(`${name}.nk`), new TextDecoder().decode(user.getSeed()), { mode: 0o600 });
  return user.getPublicKey();
}

let url = '';
let server: ServiceProcess | undefined;
const tls = { caFile: file('ca.pem'), certFile: file('client.pem'), keyFile: file('client-key.pem') };
const agentOptions = (over: Partial<NatsOptions> = {}): NatsOptions => ({ servers: [url], nkeySeedFile: file('agent-1.nk'), tls, ...over });
const opened: NatsConnection[] = [];
// Every connection a test opened, closed at the very end, whichever suite opened it.
after(() => Promise.all(opened.map((nc) => nc.close().catch(() => {}))));
async function connectAs(options: NatsOptions): Promise<NatsConnection> {
  const nc = await connect({ ...connectionOptions(options), maxReconnectAttempts: 0, timeout: 3000 });
  opened.push(nc);
  return nc;
}

function collectorConfig(): CollectorConfig {
  const c = structuredClone(DEFAULTS);
  c.nats = { ...c.nats, url, nkeySeedFile: file('collector.nk'), tlsCaFile: tls.caFile, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile, tlsRequired: true };
  c.influx = { ...c.influx, url: services.influx.url, database: 'sec_nats', flushIntervalMs: 50 };
  c.http = { host: '127.0.0.1', port: 0 };
  c.windows = { ...c.windows, idleGraceMs: 200, allowedLatenessMs: 200 };
  return c;
}

describe('NATS over TLS with NKeys, on the shipped least-privilege config', () => {
  before(async () => {
    makeCa('ca');
    makeCert('ca', 'server');
    makeCert('ca', 'client');
    makeCa('rogue-ca');
    makeCert('rogue-ca', 'rogue');
    const port = await freePort();
    url = `tls://127.0.0.1:${port}`;
    Object.assign(process.env, {
      STARWATCH_NATS_LISTEN: `127.0.0.1:${port}`,
      STARWATCH_NATS_STORE: file('js'),
      STARWATCH_NATS_TLS_CERT: file('server.pem'),
      STARWATCH_NATS_TLS_KEY: file('server-key.pem'),
      STARWATCH_NATS_TLS_CA: file('ca.pem'),
      STARWATCH_AGENT_1_NKEY: makeNkey('agent-1'),
      STARWATCH_COLLECTOR_NKEY: makeNkey('collector'),
      STARWATCH_VALIDATOR_NKEY: makeNkey('validator'),
    });
    makeNkey('stranger');
    const ready = async () => {
      try {
        await (await connect({ ...connectionOptions(agentOptions()), maxReconnectAttempts: 0 })).close();
        return true;
      } catch {
        return false;
      }
    };
    server = await startReady('nats-server', ['-c', join(process.cwd(), 'deploy/nats/starwatch.conf')], dir, ready, 20_000);
  });
  after(() => server?.stop());

  test('without a client certificate of our CA, or with an unknown NKey, nobody gets in', async () => {
    await assert.rejects(connectAs(agentOptions({ tls: { caFile: tls.caFile } })), 'no client certificate');
    await assert.rejects(connectAs(agentOptions({ tls: { caFile: tls.caFile, certFile: file('rogue.pem'), keyFile: file('rogue-key.pem') } })), 'a certificate of another CA');
    await assert.rejects(connectAs(agentOptions({ nkeySeedFile: file('stranger.nk') })), 'an NKey the server does not list');
    await assert.rejects(connectAs(agentOptions({ nkeySeedFile: undefined })), 'no NKey at all');
    await assert.rejects(connectAs(agentOptions({ tls: { certFile: tls.certFile, keyFile: tls.keyFile } })), 'a server certificate not checked against our CA');
  });

  test('the collector, on TLS and its NKey, consumes what agent-1 publishes on its own subject', async () => {
    let collector: CollectorHandle | undefined;
    try {
      collector = await startCollector(collectorConfig(), createLogger('error', () => {}));
      const agent = await connectAs(agentOptions());
      const now = Date.now();
      const events = [0, 1, 2].map((i) => sampleEvent(`tls-${i}`, now));
      const ack = await agent.jetstream().publish(eventsSubject('agent-1'), new TextEncoder().encode(JSON.stringify({ v: 1, agent_id: 'agent-1', seq: 1, events } satisfies EventBatch)));
      assert.equal(ack.duplicate, false);
      agent.publish(heartbeatSubject('agent-1'), new TextEncoder().encode('{}'));
      await waitFor(() => collector!.stats().validEvents === 3, { what: 'the collector to count the 3 events', timeoutMs: 30_000 });
    } finally {
      await collector?.stop();
    }
  });

  test("an agent may not publish for another agent, nor touch the collector's consumer", async () => {
    const agent = await connectAs(agentOptions());
    const batch = new TextEncoder().encode(JSON.stringify({ v: 1, agent_id: 'agent-2', seq: 1, events: [sampleEvent('x', Date.now())] } satisfies EventBatch));
    await assert.rejects(agent.jetstream().publish(eventsSubject('agent-2'), batch, { timeout: 2000 }), /permission|timeout/i);
    await assert.rejects(agent.request('$JS.API.CONSUMER.DELETE.STARWATCH_EVENTS.starwatch-collector', undefined, { timeout: 2000 }), /permission|timeout/i);
    const collector = await connectNats(collectorConfig().nats, 'test');
    opened.push(collector);
    const info = await (await collector.jetstreamManager()).consumers.info('STARWATCH_EVENTS', 'starwatch-collector');
    assert.equal(info.name, 'starwatch-collector', 'the consumer is still there');
  });
});

describe('creds files, on a nats-server in operator (JWT) mode', () => {
  const operator = makeOperator();
  let opServer: ServiceProcess | undefined;
  let opUrl = '';
  before(async () => {
    const port = await freePort();
    opUrl = `nats://127.0.0.1:${port}`;
    writeFileSync(file('operator.conf'), operator.serverConfig(`127.0.0.1:${port}`));
    writeFileSync(file('agent-1.creds'), operator.userCreds('agent-1', { pub: ['starwatch.v1.events.agent-1'], sub: ['_INBOX.>'] }));
    writeFileSync(file('collector.creds'), operator.userCreds('collector', { pub: ['$JS.API.>', '_INBOX.>'], sub: ['_INBOX.>', 'starwatch.v1.events.>'] }));
    writeFileSync(file('foreign.creds'), makeOperator().userCreds('agent-1', { pub: ['>'], sub: ['>'] }));
    const ready = async () => {
      try {
        await (await connect({ ...connectionOptions({ servers: [opUrl], credsFile: file('agent-1.creds') }), maxReconnectAttempts: 0 })).close();
        return true;
      } catch {
        return false;
      }
    };
    opServer = await startReady('nats-server', ['-c', file('operator.conf')], dir, ready, 20_000);
  });
  after(() => opServer?.stop());

  test("with its creds file an agent publishes its own subject, never another agent's; a foreign creds file is refused", async () => {
    const c = structuredClone(DEFAULTS);
    c.nats = { ...c.nats, url: opUrl, credsFile: file('collector.creds') };
    const collector = await connectNats(c.nats, c.replica);
    opened.push(collector);
    const received: string[] = [];
    const sub = collector.subscribe('starwatch.v1.events.>', { callback: (_e, m) => received.push(m.subject) });
    await collector.flush();
    const agent = await connectAs({ servers: [opUrl], credsFile: file('agent-1.creds') });
    agent.publish(eventsSubject('agent-2'), new Uint8Array(1));
    agent.publish(eventsSubject('agent-1'), new Uint8Array(1));
    await agent.flush().catch(() => {});
    await waitFor(() => received.length >= 1, { what: 'the message of agent-1' });
    await collector.flush(); // anything else the server forwarded would have arrived before this
    sub.unsubscribe();
    assert.deepEqual(received, [eventsSubject('agent-1')]);
    await assert.rejects(connectAs({ servers: [opUrl], credsFile: file('foreign.creds') }));
  });
});

describe('tls required', () => {
  test('with tlsRequired, a server that offers no TLS is refused; without it, the same server is used in the clear', async () => {
    const plain = services.nats.url;
    await assert.rejects(connectAs({ servers: [plain], tls: { required: true } }));
    const c = structuredClone(DEFAULTS);
    c.nats = { ...c.nats, url: plain, tlsRequired: true };
    await assert.rejects(connectNats(c.nats, c.replica));
    const clear = await connectAs({ servers: [plain] });
    assert.equal(clear.isClosed(), false);
  });
});

const sampleEvent = (id: string, tsMs: number) => makeEvent({ id, tsMs, agent: 'agent-1' });
