// A local InfluxDB 1.x (Debian's influxd) in its own folder, on free ports.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { requireBinary, startReady, startRestartable, type RestartableService } from './process.ts';

export interface LocalInflux extends RestartableService {
  url: string;
  port: number;
  dir: string;
}

export interface InfluxOptions {
  /** influxd's [http] max-body-size in bytes (its default: 25,000,000); tests set a small one. */
  maxBodySize?: number;
}

export async function startInflux(dir: string, port?: number, options: InfluxOptions = {}): Promise<LocalInflux> {
  requireBinary('influxd', 'influxdb');
  const httpPort = port ?? (await freePort());
  const rpcPort = await freePort();
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'influxdb.conf');
  writeFileSync(config, influxConfig(dir, httpPort, rpcPort, options));
  const url = `http://127.0.0.1:${httpPort}`;
  const launch = () => startReady('influxd', ['run', '-config', config], dir, () => pingInflux(url), 30_000);
  return Object.assign(await startRestartable(launch), { url, port: httpPort, dir });
}

async function pingInflux(url: string): Promise<boolean> {
  const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
  return res.status === 204;
}

// Only what differs from influxd's defaults: paths, loopback ports, and no background chatter.
function influxConfig(dir: string, httpPort: number, rpcPort: number, options: InfluxOptions): string {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false${options.maxBodySize === undefined ? '' : `\n  max-body-size = ${options.maxBodySize}`}
[continuous_queries]
  log-enabled = false
`;
}
