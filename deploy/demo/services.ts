// The real servers the demo runs on: nats-server (JetStream) and influxd, from PATH, on free
// loopback ports, with their storage and logs in the run's folder.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startInflux, type LocalInflux } from '../local/influxd.ts';
import { startNats, type LocalNats } from '../local/nats.ts';

export interface DemoServices {
  nats: LocalNats;
  influx: LocalInflux;
  stop(): Promise<void>;
}

/** Binary on PATH -> the Debian package that has it. */
const NEEDED: Record<string, string> = { 'nats-server': 'nats-server', influxd: 'influxdb' };

export class MissingBinariesError extends Error {
  readonly code = 'MISSING_BINARIES';
  constructor(readonly missing: string[]) {
    const packages = missing.map((b) => NEEDED[b]).join(' ');
    super(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not on PATH. Install with:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${packages}\n` +
        `or run: bash deploy/local/setup.sh`,
    );
  }
}

/** All the missing ones at once, so a person installs everything in one go. */
export function checkBinaries(): void {
  const missing = Object.keys(NEEDED).filter((binary) => spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0);
  if (missing.length > 0) throw new MissingBinariesError(missing);
}

export async function startDemoServices(runDir: string): Promise<DemoServices> {
  checkBinaries();
  const [nats, influx] = await Promise.allSettled([startNats(join(runDir, 'nats')), startInflux(join(runDir, 'influxdb'))]);
  const started = [nats, influx].flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (nats.status === 'rejected' || influx.status === 'rejected') {
    await Promise.all(started.map((s) => s.stop()));
    throw (nats.status === 'rejected' ? nats.reason : (influx as PromiseRejectedResult).reason) as Error;
  }
  return {
    nats: nats.value,
    influx: influx.value,
    stop: async () => {
      await Promise.all([nats.value.stop(), influx.value.stop()]);
    },
  };
}
