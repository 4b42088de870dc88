// The attach guide (deploy/ATTACH.md) followed as written: deploy/local/attach-rehearsal.sh runs its
// steps on this machine (local NATS and InfluxDB, a stand-in for Starlight's scanner, the collector,
// the agent attached in proxy mode with the starlight-v4 preset, traffic) and ends with `starwatch
// doctor`, which must report every check passed. Free ports, so it runs beside anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freePort } from '../../deploy/local/ports.ts';

test('the attach rehearsal ends with starwatch doctor all green', async () => {
  const ports = { NATS_PORT: 0, INFLUX_PORT: 0, STARLIGHT_PORT: 0, AGENT_PORT: 0, COLLECTOR_PORT: 0, API_PORT: 0 };
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
  const child = spawn('bash', ['deploy/local/attach-rehearsal.sh'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r('timeout'), 220_000)))]);
    assert.equal(code, 0, `the rehearsal did not pass:\n${out.slice(-4000)}`);
    assert.match(out, /^all \d+ checks passed/m);
    assert.doesNotMatch(out, /^\[FAIL\]/m);
  } finally {
    clearTimeout(timer);
    // The script stops what it started on exit; a hung one is ended with its children.
    if (child.exitCode === null) child.kill('SIGTERM');
  }
});
