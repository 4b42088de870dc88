// Slow clients: sockets that send the start of a request's headers, then one byte at a time, and
// never finish. Shared by the hostile agent bench and test/hostile/agent-admission.test.ts.
import { connect, type Socket } from 'node:net';
import { waitFor } from '../../deploy/local/wait.ts';

export interface TrickleOptions {
  port: number;
  sockets: number;
  /** A byte on every open socket this often. */
  everyMs: number;
  /** How long the server may take to close them all. */
  timeoutMs: number;
}

/** Opens the sockets, trickles until the server has closed every one, then destroys what is left. */
export async function trickleUntilClosed(o: TrickleOptions): Promise<void> {
  const sockets: Socket[] = [];
  let closed = 0;
  let trickle: NodeJS.Timeout | undefined;
  try {
    for (let i = 0; i < o.sockets; i++) {
      const s = connect(o.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closed++);
      s.write('POST /v1/scan HTTP/1.1\r\nhost: x\r\n');
      sockets.push(s);
    }
    trickle = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write('x');
    }, o.everyMs);
    await waitFor(() => closed === o.sockets, { timeoutMs: o.timeoutMs, intervalMs: 100, what: `the server to close all ${o.sockets} trickling sockets` });
  } finally {
    clearInterval(trickle);
    for (const s of sockets) s.destroy();
  }
}
