import { createServer } from 'node:net';

// Ports this process has handed out. The OS may offer a port again as soon as its probe closes,
// before the service it was picked for has bound it: a stressed CI run (2026-12-02) gave one node
// of the 3-node NATS cluster a client port equal to another node's route port, and that node
// never came up. So no port is handed out twice.
const handedOut = new Set<number>();

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it), never one given before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probe();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function probe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
