// The agent's attacks for `starwatch bench hostile` (issue 19, items 1-3). Each starts a real
// agent as a child process (`node bin/starwatch.js agent ...`) against a real nats-server,
// attacks it while probing /healthz, and reads its peak RSS (VmHWM) and /metrics.
// Alone: node --import tsx bench/hostile/agent.ts [attack...]   (prints JSON)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNats, type LocalNats } from '../../deploy/local/nats.ts';
import { freePort } from '../../deploy/local/ports.ts';
import { waitFor } from '../../deploy/local/wait.ts';
import { compressionBomb, hugeGif, hugeWebp, palettePng } from './images.ts';
import { healthzP99During } from './healthz-probe.ts';
import { rssMb } from '../process-memory.ts';
import { trickleUntilClosed } from './trickling-sockets.ts';
import type { HostileAttack, HostileResult } from './types.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** deploy/k8s: the sidecar (proxy) container and the scan pod's agent container. */
const SIDECAR_LIMIT_MB = 512;
const SCAN_POD_LIMIT_MB = 1024;

interface RunningAgent {
  url: string;
  child: ChildProcess;
}

async function startAgent(nats: LocalNats, args: string[]): Promise<RunningAgent> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/starwatch.js', 'agent', '--port', String(port), '--host', '127.0.0.1', '--nats', nats.url, '--agent-id', 'hostile', '--heartbeat-ms', '60000', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, { timeoutMs: 60_000, what: 'the agent' });
  return { url, child };
}

async function stopAgent(agent: RunningAgent): Promise<void> {
  if (agent.child.exitCode !== null) return;
  const exited = new Promise((r) => agent.child.once('exit', r));
  agent.child.kill('SIGTERM');
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Refusals and error codes the agent counted, from its /metrics. */
async function counted(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^starwatch_agent_(refused_total|errors_total|scans_total)\{(.*)\} (\S+)$/.exec(line);
    if (m) out[`${m[1]}{${m[2]}}`] = Number(m[3]);
  }
  return out;
}

/** Starts nats and the agent, runs the attack under /healthz probes, measures, stops it all. */
async function measure(attack: string, limitMb: number, agentArgs: (nats: LocalNats) => Promise<string[]> | string[], run: (url: string) => Promise<void>): Promise<HostileResult> {
  const dir = mkdtempSync(join(tmpdir(), 'starwatch-hostile-'));
  let nats: LocalNats | undefined;
  let agent: RunningAgent | undefined;
  try {
    nats = await startNats(join(dir, 'nats'));
    agent = await startAgent(nats, await agentArgs(nats));
    const url = agent.url;
    const healthzP99Ms = await healthzP99During(`${url}/healthz`, () => run(url));
    return { attack, target: 'agent', peakRssMb: rssMb(agent.child.pid!, 'peak'), limitMb, healthzP99Ms, counted: await counted(agent.url) };
  } finally {
    if (agent) await stopAgent(agent);
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(url: string, target: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request({ host: hostname, port, method: 'POST', path: target, headers: { 'content-type': 'application/octet-stream', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** `total` requests, `concurrency` at a time. */
async function flood(total: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await one(next++);
  }));
}

/** A stand-in upstream on loopback; answers with `answer` (headers, body). */
async function stubServer(answer: { headers: Record<string, string>; body: Buffer }): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}


const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

const proxySsrf: HostileAttack = async () => {
  const upstream = await stubServer({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"stego_probability":0.1}') });
  const foreign = await stubServer({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"stego_probability":0.9}') });
  try {
    const port = new URL(foreign.url).port;
    const targets = [`http://127.0.0.1:${port}/v1/scan`, `//127.0.0.1:${port}/v1/scan`, 'file:///v1/scan', `http://127.0.0.1:1/v1/scan`];
    const result = await measure('proxy-ssrf', SIDECAR_LIMIT_MB, () => ['--proxy', upstream.url], (url) =>
      flood(400, 8, (i) => post(url, targets[i % targets.length], PNG_MAGIC, { authorization: 'Bearer client-secret' })),
    );
    if (foreign.hits() !== 0) throw new Error(`proxy-ssrf: the foreign server got ${foreign.hits()} requests`);
    return result;
  } finally {
    upstream.server.close();
    foreign.server.close();
  }
};

const proxyGzipBomb: HostileAttack = async () => {
  const bomb = await compressionBomb('gzip', 1024); // 1 GiB of zeros in about 1 MB
  const upstream = await stubServer({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
  try {
    return await measure('proxy-gzip-bomb', SIDECAR_LIMIT_MB, () => ['--proxy', upstream.url], (url) => flood(32, 4, () => post(url, '/v1/scan', PNG_MAGIC)));
  } finally {
    upstream.server.close();
  }
};

/** Uploads at the body limit, more at once than the proxy admits: bodies in memory stay bounded. */
const proxyBigUploads: HostileAttack = async () => {
  const upstream = await stubServer({ headers: { 'content-type': 'application/json' }, body: Buffer.from('{"stego_probability":0.1}') });
  try {
    const body = Buffer.alloc(20 * 1024 * 1024, 7);
    body.set(PNG_MAGIC);
    return await measure('proxy-big-uploads', SIDECAR_LIMIT_MB, () => ['--proxy', upstream.url], (url) => flood(96, 32, () => post(url, '/v1/scan', body)));
  } finally {
    upstream.server.close();
  }
};

const scanHugeWebp: HostileAttack = async () => {
  const webp = await hugeWebp(6300);
  return measure('scan-huge-webp', SCAN_POD_LIMIT_MB, () => [], (url) => flood(32, 8, () => post(url, '/v1/scan', webp)));
};

const scanHugeGif: HostileAttack = async () => {
  const gif = hugeGif(6300, 6300);
  return measure('scan-huge-gif', SCAN_POD_LIMIT_MB, () => [], (url) => flood(64, 16, () => post(url, '/v1/scan', gif)));
};

const scanPalettePng: HostileAttack = async () => {
  const png = palettePng(4000);
  return measure('scan-palette-png', SCAN_POD_LIMIT_MB, () => [], (url) => flood(32, 16, () => post(url, '/v1/scan', png)));
};

/** 1000 sockets that send a header byte every second and never finish. */
const slowClients: HostileAttack = async () =>
  measure('slow-clients', SCAN_POD_LIMIT_MB, () => [], (url) =>
    trickleUntilClosed({ port: Number(new URL(url).port), sockets: 1000, everyMs: 1000, timeoutMs: 30_000 }),
  );

/** No attack: what /healthz costs on this machine right now, to read the others against. */
const baseline: HostileAttack = () => measure('baseline', SCAN_POD_LIMIT_MB, () => [], () => new Promise((r) => setTimeout(r, 5000)));

export const attacks: Record<string, HostileAttack> = {
  baseline,
  'proxy-ssrf': proxySsrf,
  'proxy-gzip-bomb': proxyGzipBomb,
  'proxy-big-uploads': proxyBigUploads,
  'scan-huge-webp': scanHugeWebp,
  'scan-huge-gif': scanHugeGif,
  'scan-palette-png': scanPalettePng,
  'slow-clients': slowClients,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const wanted = process.argv.slice(2);
  const results: HostileResult[] = [];
  for (const [name, attack] of Object.entries(attacks)) if (wanted.length === 0 || wanted.includes(name)) results.push(await attack());
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
