// A local nats-server with JetStream on file storage, for tests, the demo and development.
import { connect } from 'nats';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { requireBinary, startReady, startRestartable, type RestartableService } from './process.ts';

export interface LocalNats extends RestartableService {
  url: string;
  port: number;
  dir: string;
}

/** `maxPayload`: the server's max_payload (bytes; nats-server's default is 1 MiB), for tests of the limit. */
export async function startNats(dir: string, port?: number, options: { maxPayload?: number } = {}): Promise<LocalNats> {
  requireBinary('nats-server', 'nats-server');
  const chosen = port ?? (await freePort());
  const storeDir = join(dir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(chosen), '-js', '-sd', storeDir];
  if (options.maxPayload !== undefined) {
    // No command-line flag sets it; a config file does, and the flags above still apply.
    const config = join(dir, 'nats.conf');
    writeFileSync(config, `max_payload: ${options.maxPayload}\n`);
    args.push('-c', config);
  }
  const url = `nats://127.0.0.1:${chosen}`;
  const launch = () => startReady('nats-server', args, dir, () => pingNats(url), 15_000);
  return Object.assign(await startRestartable(launch), { url, port: chosen, dir });
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
