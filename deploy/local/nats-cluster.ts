// A 3-node nats-server JetStream cluster on loopback ports (one folder, client port and route
// port per node), for the replica-mode tests and bench. Nodes can be stopped and started again
// on the same ports and storage, as a rolling restart or an outage would.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from './ports.ts';
import { requireBinary, startReady, type ServiceProcess } from './process.ts';
import { waitFor } from './wait.ts';

export interface NatsNode {
  name: string;
  url: string;
  /** Running now (false between stop and start). */
  readonly running: boolean;
  stop(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every node's URL, comma separated: what clients are given, so they fail over. */
  urls: string;
  stop(): Promise<void>;
}

export async function startNatsCluster(dir: string, size = 3, timeoutMs = 60_000): Promise<NatsCluster> {
  requireBinary('nats-server', 'nats-server');
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort() })));
  const nodes = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const nodeDir = join(dir, name);
    mkdirSync(join(nodeDir, 'jetstream'), { recursive: true });
    const routes = ports.filter((_, j) => j !== i).map((o) => `"nats-route://127.0.0.1:${o.route}"`);
    const conf = join(nodeDir, 'nats.conf');
    writeFileSync(
      conf,
      [
        `server_name: ${name}`,
        `listen: "127.0.0.1:${p.client}"`,
        `jetstream { store_dir: "${join(nodeDir, 'jetstream')}" }`,
        `cluster { name: starwatch, listen: "127.0.0.1:${p.route}", routes: [${routes.join(', ')}] }`,
      ].join('\n'),
    );
    const url = `nats://127.0.0.1:${p.client}`;
    let proc: ServiceProcess | undefined;
    const node: NatsNode = {
      name,
      url,
      get running() {
        return proc !== undefined;
      },
      async start() {
        // Ready once it answers as a client; JetStream itself needs the quorum (checked below).
        proc = await startReady('nats-server', ['-c', conf], nodeDir, () => ping(url, false), timeoutMs);
      },
      async stop() {
        await proc?.stop();
        proc = undefined;
      },
      async kill() {
        await proc?.kill();
        proc = undefined;
      },
    };
    return node;
  });
  const urls = nodes.map((n) => n.url).join(',');
  const cluster: NatsCluster = { nodes, urls, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor(() => ping(urls, true), { timeoutMs, what: 'the JetStream cluster to elect its meta leader' });
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

async function ping(servers: string, jetstream: boolean): Promise<boolean> {
  const nc = await connect({ servers: servers.split(','), timeout: 1000, reconnect: false });
  try {
    if (jetstream) await (await nc.jetstreamManager()).getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}
