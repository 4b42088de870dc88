// A local VictoriaMetrics: a real server that accepts InfluxDB's v2 write API (/api/v2/write),
// so the v2 write path is tested against something real.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { requireBinary, startReady, type ServiceProcess } from './process.ts';

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
  const proc = await startReady(
    'victoria-metrics',
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'vm-data')}`],
    dir,
    async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) })).ok,
    15_000,
  );
  return { url, process: proc, stop: () => proc.stop() };
}
