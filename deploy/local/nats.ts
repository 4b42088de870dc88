// A local nats-server with JetStream on file storage, for tests, the demo and development.
import { connect } from 'nats';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { requireBinary, startProcess, type ServiceProcess } from './process.ts';
import { waitFor } from './wait.ts';

export interface LocalNats {
  url: string;
  port: number;
  dir: string;
  process: ServiceProcess;
  /** Starts it again on the same port and storage (after stop or kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNats(dir: string, port?: number): Promise<LocalNats> {
  requireBinary('nats-server', 'nats-server');
  const chosen = port ?? (await freePort());
  const storeDir = join(dir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(chosen), '-js', '-sd', storeDir];
  const url = `nats://127.0.0.1:${chosen}`;
  const launch = async (): Promise<ServiceProcess> => {
    const proc = startProcess('nats-server', 'nats-server', args, dir);
    await waitFor(() => pingNats(url), { timeoutMs: 15_000, what: `nats-server on ${url}` });
    return proc;
  };
  const local: LocalNats = {
    url,
    port: chosen,
    dir,
    process: await launch(),
    async restart() {
      await local.process.stop();
      local.process = await launch();
    },
    stop: () => local.process.stop(),
  };
  return local;
}

async function pingNats(url: string): Promise<boolean> {
  const nc = await connect({ servers: url, timeout: 500, reconnect: false });
  try {
    await nc.jetstreamManager(); // answers only once JetStream is up
    return true;
  } finally {
    await nc.close();
  }
}
