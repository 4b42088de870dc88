// How the agent reaches NATS: several servers, a credentials file, an NKey or a token, TLS. The
// options are turned into nats.js ones here, and described for logs without any secret. The
// collector takes its identity options from here too (identityOptions), so both sides read
// creds, NKeys and TLS the same way.
import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type Authenticator, type ConnectionOptions } from 'nats';

export interface NatsTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Connect only over TLS, even with no files given (nats.js otherwise uses TLS only when offered). */
  required?: boolean;
}

export interface NatsOptions {
  servers: string[];
  /** A .creds file (JWT + nkey seed). */
  credsFile?: string;
  /** A file holding an NKey seed (SU...), for servers that list users by NKey. */
  nkeySeedFile?: string;
  user?: string;
  pass?: string;
  token?: string;
  tls?: NatsTls;
  /** Client name shown by the server. */
  name?: string;
}

/**
 * Options every Starwatch connection shares. nats.js captures a stack trace (`new Error()`) for
 * each request and JetStream publish, to report where a later timeout came from: about a tenth of
 * a publisher's CPU at thousands of publishes a second (collector/README.md, "Throughput").
 * Timeouts still come back as errors with their code, only without the caller's stack.
 */
export const HOT_PATH_OPTIONS: ConnectionOptions = { noAsyncTraces: true };

export function connectionOptions(o: NatsOptions): ConnectionOptions {
  return {
    ...HOT_PATH_OPTIONS,
    servers: o.servers,
    name: o.name,
    // Keep trying for ever: the agent queues (and drops the oldest) while NATS is away.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    timeout: 2000,
    pingInterval: 10_000,
    ...identityOptions(o),
  };
}

/** Who we are and how the link is protected: token, user/password, creds file, NKey, TLS. */
export function identityOptions(o: Omit<NatsOptions, 'servers' | 'name'>): ConnectionOptions {
  const options: ConnectionOptions = {};
  if (o.token) options.token = o.token;
  if (o.user) Object.assign(options, { user: o.user, pass: o.pass });
  const authenticators: Authenticator[] = [];
  if (o.credsFile) authenticators.push(credsAuthenticator(readFileSync(o.credsFile)));
  if (o.nkeySeedFile) authenticators.push(nkeyAuthenticator(new TextEncoder().encode(readFileSync(o.nkeySeedFile, 'utf8').trim())));
  if (authenticators.length > 1) throw new Error('NATS: give a creds file or an NKey seed, not both');
  if (authenticators.length === 1) options.authenticator = authenticators[0];
  const tls = o.tls;
  if (tls && (tls.required || tls.caFile || tls.certFile || tls.keyFile)) {
    options.tls = { caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile };
  }
  return options;
}

/** Server URLs with any user:password removed. */
export function redactServer(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** For logs: where and how we connect, never with what secret. */
export function describeConnection(o: NatsOptions): string {
  const auth = o.credsFile ? 'creds file' : o.nkeySeedFile ? 'nkey' : o.token ? 'token' : o.user ? 'user' : 'none';
  const tls = o.tls && (o.tls.required || o.tls.caFile || o.tls.certFile) ? ' tls' : '';
  return `${o.servers.map(redactServer).join(',')} (auth: ${auth}${tls})`;
}
