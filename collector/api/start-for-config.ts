// The HTTP API, live page and feed as the collector's config asks for them: none without a token,
// since an API open to all is never wanted.
import type { NatsConnection } from 'nats';
import { Counter, type Registry } from 'prom-client';
import type { SilenceControl } from '../analysis/start-analysis.ts';
import type { CollectorConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { influxQLOptionsFor } from '../sinks/transport-for.ts';
import { startApi, type RunningApi } from './start.ts';

export async function startApiFor(config: Pick<CollectorConfig, 'api' | 'influx'>, nc: NatsConnection, log: Logger, rates: () => Record<string, number>, registry: Registry, silences?: SilenceControl): Promise<RunningApi | null> {
  const a = config.api;
  if (!a.token) {
    log.warn('api_disabled', { reason: 'no api.token (STARWATCH_API_TOKEN)' });
    return null;
  }
  const authRefused = new Counter({ name: 'starwatch_collector_api_auth_refused_total', help: 'API and feed requests refused for authentication, by reason', labelNames: ['reason'], registers: [registry] });
  return startApi({
    port: a.port,
    host: a.host,
    token: a.token,
    writeToken: a.writeToken,
    minTokenLength: a.minTokenLength,
    log,
    onAuthRefused: (reason) => authRefused.inc({ reason }),
    nats: nc,
    influx: influxQLOptionsFor(config.influx),
    limits: { logRatePerSec: a.logRatePerSec, logBurst: a.logBurst, authFailRatePerSec: a.authFailRatePerSec, authFailBurst: a.authFailBurst },
    live: { maxClients: a.maxClients },
    rates,
    silences,
  });
}
