// A local Prometheus (Debian's `prometheus`): a real remote-write receiver for the collector's
// Prometheus sink (--web.enable-remote-write-receiver, exemplar storage on), and a real scraper
// for the shipped scrape config and rules. Storage lives in the given folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { requireBinary, startReady, type ServiceProcess } from './process.ts';

export interface LocalPrometheus {
  url: string;
  /** The remote write endpoint. */
  writeUrl: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** prometheus.yml to run with (default: one that scrapes nothing). */
  configFile?: string;
}

export async function startPrometheus(dir: string, options: PrometheusOptions = {}): Promise<LocalPrometheus> {
  requireBinary('prometheus', 'prometheus');
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const configFile = options.configFile ?? join(dir, 'prometheus.yml');
  if (!options.configFile) writeFileSync(configFile, 'global:\n  scrape_interval: 15s\n');
  const url = `http://127.0.0.1:${port}`;
  const proc = await startReady(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    dir,
    async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(500) })).ok,
    30_000,
  );
  return { url, writeUrl: `${url}/api/v1/write`, process: proc, stop: () => proc.stop() };
}
