// How the agent reaches NATS: several servers, a credentials file or a token, TLS. The
// options are turned into nats.js ones here, and described for logs without any secret.
import { readFileSync } from 'node:fs';
import { credsAuthenticator, type ConnectionOptions } from 'nats';

export interface NatsTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface NatsOptions {
  servers: string[];
  /** A .creds file (JWT + nkey seed). */
  credsFile?: string;
  token?: string;
  tls?: NatsTls;
  /** Client name shown by the server. */
  name?: string;
}

export function connectionOptions(o: NatsOptions): ConnectionOptions {
  const options: ConnectionOptions = {
    servers: o.servers,
    name: o.name,
    // Keep trying for ever: the agent queues (and drops the oldest) while NATS is away.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    timeout: 2000,
    pingInterval: 10_000,
  };
  if (o.token) options.token = o.token;
  if (o.credsFile) options.authenticator = credsAuthenticator(readFileSync(o.credsFile));
  if (o.tls && (o.tls.caFile || o.tls.certFile || o.tls.keyFile)) {
    options.tls = { caFile: o.tls.caFile, certFile: o.tls.certFile, keyFile: o.tls.keyFile };
  }
  return options;
}

/** Server URLs with any user:password removed. */
export function redactServer(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** For logs: where and how we connect, never with what secret. */
export function describeConnection(o: NatsOptions): string {
  const auth = o.credsFile ? 'creds file' : o.token ? 'token' : 'none';
  const tls = o.tls && (o.tls.caFile || o.tls.certFile) ? ' tls' : '';
  return `${o.servers.map(redactServer).join(',')} (auth: ${auth}${tls})`;
}
