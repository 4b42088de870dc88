// `starwatch tail` as a user runs it: a child process following a real hub.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../harness/services.ts';
import { LiveHub } from '../../collector/live/hub.ts';
import { tokenAuthorizer } from '../../collector/api/token.ts';
import { TOPICS, type LiveAlert } from '../../schemas/live.ts';

const TOKEN = 'tail-token';

function runTail(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'tail', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  /** The exit code, or an error (after killing the child) when it does not exit in time. */
  const exitCode = async (timeoutMs = 60_000): Promise<number | null> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tail did not exit within ${timeoutMs} ms; stderr: ${out.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([exited, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  // Deadlines are generous: a CLI start under tsx takes 15-20 s on a loaded 2-core machine.
  /** Whatever happened in the test, no tail is left running after it. */
  const stop = async (): Promise<void> => {
    if (!running) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { child, out, exited: exitCode, stop };
}

describe('starwatch tail', () => {
  const hub = new LiveHub({ authorize: tokenAuthorizer(TOKEN) });
  let server: Server;
  let url = '';

  before(async () => {
    server = createServer();
    server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });

  after(async () => {
    await hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('prints one line per update and stops cleanly on SIGINT', async (t) => {
    const alert: LiveAlert = {
      kind: 'firing',
      alert_id: 'a1',
      rule: 'error_rate_high',
      severity: 'critical',
      state: 'firing',
      key: 'overall',
      value: 0.08,
      threshold: 0.05,
      message: 'error rate 8% > 5%',
      ts: Date.now(),
    };
    const tail = runTail(['--url', url, '--token', TOKEN, '--topic', 'alerts', '--topic', 'windows.1s.*.*']);
    t.after(tail.stop);
    await waitFor(() => tail.out.stdout.includes('# subscribed'), { timeoutMs: 60_000, what: 'tail subscribed' });
    hub.publish(TOPICS.alerts, alert);
    hub.publish(TOPICS.windows('1s', '*', '*'), {
      granularity: '1s',
      model_version: '*',
      agent: '*',
      start: 0,
      end: 1000,
      fields: { count: 200, errors: 2, rps: 200, latency_p95: 6.25, stego_rate: 0.2 },
    });
    await waitFor(() => tail.out.stdout.includes('window 1s'), { timeoutMs: 30_000, what: 'window line' });
    assert.match(tail.out.stdout, /ALERT CRITICAL error_rate_high firing \[overall\] error rate 8% > 5%/);
    assert.match(tail.out.stdout, /window 1s \*\/\* n=200 rps=200 err=1\.00% p50=- p95=6\.25ms p99=- stego=20\.00% fpr=-$/m);
    tail.child.kill('SIGINT');
    assert.equal(await tail.exited(), 0);
  });

  test('a wrong token exits 2 with the reason', async (t) => {
    const tail = runTail(['--url', url, '--token', 'wrong']);
    t.after(tail.stop);
    assert.equal(await tail.exited(), 2);
    assert.match(tail.out.stderr, /closed \(4401\): unauthorized/);
  });
});
