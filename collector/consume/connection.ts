// The collector's NATS connection: every server of the list, credentials (user/password, token,
// creds file, NKey), TLS, endless reconnects, and its ups and downs logged and reported.
import { connect, type NatsConnection } from 'nats';
import { HOT_PATH_OPTIONS, identityOptions } from '../../agent/publish/connection.ts';
import type { CollectorConfig } from '../config.ts';
import type { Logger } from '../log.ts';

export function connectNats(n: CollectorConfig['nats'], replica: string): Promise<NatsConnection> {
  return connect({
    ...HOT_PATH_OPTIONS,
    servers: n.url.split(','),
    ...identityOptions({
      user: n.user,
      pass: n.pass,
      token: n.token,
      credsFile: n.credsFile,
      nkeySeedFile: n.nkeySeedFile,
      tls: { caFile: n.tlsCaFile, certFile: n.tlsCertFile, keyFile: n.tlsKeyFile, required: n.tlsRequired },
    }),
    name: `starwatch-collector-${replica}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}

export async function watchNats(nc: NatsConnection, log: Logger, setUp: (up: boolean) => void): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect') setUp(false);
    if (status.type === 'reconnect') setUp(true);
    if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error')
      log.info(`nats_${status.type}`, { data: String(status.data) });
  }
}
