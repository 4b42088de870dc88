// A local VictoriaMetrics: a real server that accepts InfluxDB's v2 write API (/api/v2/write),
// so the v2 write path is tested against something real.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { requireBinary, startProcess, type ServiceProcess } from './process.ts';
import { waitFor } from './wait.ts';

export interface LocalVictoria {
  url: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

export async function startVictoria(dir: string): Promise<LocalVictoria> {
  requireBinary('victoria-metrics', 'victoria-metrics');
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess(
    'victoria-metrics',
    'victoria-metrics',
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'vm-data')}`],
    dir,
  );
  await waitFor(
    async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) })).ok,
    { timeoutMs: 15_000, what: `victoria-metrics on ${url}` },
  );
  return { url, process: proc, stop: () => proc.stop() };
}
