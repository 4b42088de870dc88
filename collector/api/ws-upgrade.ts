// The live feed's WebSocket upgrade on the API's port. The token is checked before the upgrade
// (ws stays the WebSocket library): a stranger gets an HTTP refusal, never a WebSocket.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Authenticator } from './authenticate.ts';
import { ApiError, errorBody } from './http.ts';
import type { LiveHub } from '../live/hub.ts';

export const LIVE_PATH = '/ws';

export function attachLiveFeed(server: Server, hub: LiveHub | undefined, auth: Authenticator): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== LIVE_PATH || !hub) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    try {
      auth.require(req, 'read', true);
    } catch (e) {
      refuse(socket, e as ApiError);
      return;
    }
    hub.handleUpgrade(req, socket, head);
  });
}

function refuse(socket: Duplex, error: ApiError): void {
  const headers = Object.entries(error.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const body = JSON.stringify(errorBody(error));
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`);
}
