// /healthz probed every 20 ms from a process of its own while an attack runs: the attack keeps the
// bench process busy (building hostile messages, guessing tokens), and that delay would otherwise
// be counted against the agent or collector under test. Shared by every hostile bench.
import { spawn } from 'node:child_process';
import { summarise } from '../stats.ts';

const PROBER = `
const latencies = [];
let running = true;
process.stdin.on('end', () => (running = false)).resume();
await (await fetch(process.argv[1])).text(); // loads fetch itself, which is not the target's cost
process.stderr.write('ready\\n');
while (running) {
  const t = performance.now();
  try { await (await fetch(process.argv[1], { signal: AbortSignal.timeout(10000) })).text(); } catch {}
  latencies.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(JSON.stringify(latencies));
`;

export interface HealthzProbe {
  /** Stops probing; the latencies in ms, a failed probe at its cost. */
  stop(): Promise<number[]>;
}

/** Starts probing `url` (the full /healthz URL) once the prober is ready. */
export async function probeHealthz(url: string): Promise<HealthzProbe> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROBER, url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise((resolve, reject) => {
    child.stderr!.once('data', resolve);
    child.once('exit', () => reject(new Error('the /healthz prober did not start')));
  });
  return {
    stop: async () => {
      child.stdin!.end();
      await exited;
      return JSON.parse(out || '[]') as number[];
    },
  };
}

/** Runs `work` under the probe; the p99 of /healthz during it, in ms to one decimal. */
export async function healthzP99During(url: string, work: () => Promise<void>): Promise<number> {
  const probe = await probeHealthz(url);
  let latencies: number[];
  try {
    await work();
  } finally {
    latencies = await probe.stop();
  }
  return Math.round(summarise(latencies).p99 * 10) / 10;
}
