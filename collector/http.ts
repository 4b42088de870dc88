// /metrics, /healthz and /readyz about the collector itself.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Health {
  /** Why the collector is not ready, or null when it is. */
  notReady(): string | null;
}

export async function startHttp(host: string, port: number, registry: Registry, health: Health): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => reply(200, text, registry.contentType),
        (e: Error) => reply(500, JSON.stringify({ error: e.message })),
      );
    } else if (path === '/healthz') {
      reply(200, JSON.stringify({ ok: true }));
    } else if (path === '/readyz') {
      const why = health.notReady();
      reply(why ? 503 : 200, JSON.stringify(why ? { ready: false, reason: why } : { ready: true }));
    } else {
      reply(404, JSON.stringify({ error: 'not_found' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { url: `http://${host}:${address.port}`, server };
}
