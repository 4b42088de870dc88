// One call for the collector's main: the HTTP API, the live hub and the page on one port.
import type { NatsConnection } from 'nats';
import type { SilenceControl } from '../analysis/start-analysis.ts';
import { LiveHub, type LiveHubOptions } from '../live/hub.ts';
import { InfluxAlertSource, type AlertSource } from './alerts.ts';
import { DEFAULT_API_LIMITS, type ApiLimits } from './deps.ts';
import { InfluxQL, type InfluxQueryConfig } from './influxql.ts';
import { createApiServer, type ApiServer } from './server.ts';
import { tokenAuthorizer } from './token.ts';

export interface ApiOptions {
  port: number;
  host?: string;
  token: string;
  nats: NatsConnection;
  influx: InfluxQueryConfig;
  limits?: Partial<ApiLimits>;
  live?: Partial<LiveHubOptions>;
  /** Answer /alerts/recent from somewhere other than InfluxDB. */
  alerts?: AlertSource;
  rates?: () => Record<string, number>;
  silences?: SilenceControl;
}

export interface RunningApi extends ApiServer {
  url: string;
  hub: LiveHub;
}

export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const influx = new InfluxQL(options.influx);
  const hub = new LiveHub({ ...options.live, authorize: tokenAuthorizer(options.token) });
  const api = createApiServer({
    token: options.token,
    nats: options.nats,
    influx,
    alerts: options.alerts ?? new InfluxAlertSource(influx),
    hub,
    limits: { ...DEFAULT_API_LIMITS, ...options.limits },
    rates: options.rates,
    silences: options.silences,
  });
  const url = await api.listen(options.port, options.host);
  return {
    ...api,
    url,
    hub,
    close: async () => {
      await hub.close();
      await api.close();
    },
  };
}
