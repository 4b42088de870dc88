// The Python client in examples/python against a real collector (nats-server, influxd): an event
// posted from Python comes back on the live feed that Python follows, and a bad event is refused
// with the API's typed error. Runs Debian's python3 with python3-websockets (deploy/local/setup.sh).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../collector/log.ts';
import { startCollector, type CollectorHandle } from '../../collector/start.ts';
import { fullEvent } from '../fixtures/collector-events.ts';
import { tempDir, useServices, waitFor } from '../harness/services.ts';
import { collectorConfig } from './collector-setup.ts';

const services = useServices({ nats: true, influx: true });
const TOKEN = 'python-client-T0KEN-4be1f2';
const WRITE_TOKEN = 'python-client-WR1TE-9d03a7';
const CLIENT = 'examples/python/starwatch_client.py';
const PYTHON = '/usr/bin/python3';
const dir = tempDir();

interface Run {
  child: ChildProcess;
  out: string[];
  err: string[];
  exited: Promise<number | null>;
}

function runClient(url: string, args: string[]): Run {
  const child = spawn(PYTHON, [CLIENT, '--url', url, ...args], { env: { ...process.env, STARWATCH_API_TOKEN: TOKEN, STARWATCH_API_WRITE_TOKEN: WRITE_TOKEN } });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(...d.split('\n').filter(Boolean)));
  child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, out, err, exited };
}

/** The exit code, or a failure (never a hang) when the client has not exited within 30 s. */
function exitCode(run: Run): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`client still running after 30 s: ${run.err.join('')}`)), 30_000);
  });
  return Promise.race([run.exited, deadline]).finally(() => clearTimeout(timer));
}

describe('Python client', () => {
  let collector: CollectorHandle;
  const running: ChildProcess[] = [];

  before(async () => {
    const config = collectorConfig(services.nats.url, services.influx.url, 'python_client', { durable: 'python-client' });
    config.api.port = 0;
    config.api.token = TOKEN;
    config.api.writeToken = WRITE_TOKEN;
    collector = await startCollector(config, createLogger('warn', () => undefined));
  });

  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await collector?.stop();
  });

  test('an event posted from Python arrives on the feed Python follows', async () => {
    const follow = runClient(collector.apiUrl!, ['follow', 'events.sample', '--count', '1']);
    running.push(follow.child);
    await waitFor(() => follow.out.some((l) => JSON.parse(l).type === 'subscribed'), { what: 'the subscription', timeoutMs: 30_000 });

    const event = { ...fullEvent, event_id: 'py-1', agent_id: 'py-agent', ts_ns: `${Date.now()}000000` };
    const file = join(dir, 'event.json');
    writeFileSync(file, JSON.stringify(event));
    const post = runClient(collector.apiUrl!, ['post', file]);
    running.push(post.child);
    assert.equal(await exitCode(post), 0, post.err.join(''));
    assert.equal(JSON.parse(post.out[0]).event_id, 'py-1');

    assert.equal(await exitCode(follow), 0, follow.err.join(''));
    const sample = follow.out.map((l) => JSON.parse(l)).find((m) => m.topic === 'events.sample');
    assert.equal(sample?.data.event_id, 'py-1');
  });

  test('a bad event is refused with the typed error and exit 1', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...fullEvent, outputs: { stego_prob: 2 } }));
    const post = runClient(collector.apiUrl!, ['post', file]);
    running.push(post.child);
    assert.equal(await exitCode(post), 1);
    assert.match(post.err.join(''), /400 invalid_event/);
  });
});
