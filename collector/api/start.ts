// One call for the collector's main: the HTTP API, the live hub and the page on one port.
import type { NatsConnection } from 'nats';
import type { SilenceControl } from '../analysis/start-analysis.ts';
import { LiveHub, type LiveHubOptions } from '../live/hub.ts';
import { InfluxAlertSource, type AlertSource } from './alerts.ts';
import { DEFAULT_API_LIMITS, type ApiLimits } from './deps.ts';
import { InfluxQL, type InfluxQLOptions } from '../sinks/influxql.ts';
import { createApiServer, type ApiServer } from './server.ts';
import type { Logger } from '../log.ts';
import { tokenAuthorizer } from './token.ts';
import { checkTokenStrength, DEFAULT_MIN_TOKEN_LENGTH, WeakTokenError } from './token-policy.ts';

export interface ApiOptions {
  port: number;
  host?: string;
  /** Read scope: the GET routes and the feed. */
  token: string;
  /** Write scope: POST /metrics/log. Without one, injecting events over HTTP is refused. */
  writeToken?: string;
  /** Shorter tokens are refused at start (default 16). */
  minTokenLength?: number;
  /** Where refused authentications are logged (rate-limited). */
  log?: Logger;
  onAuthRefused?: (reason: string) => void;
  nats: NatsConnection;
  influx: InfluxQLOptions;
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
  const minLength = options.minTokenLength ?? DEFAULT_MIN_TOKEN_LENGTH;
  checkTokenStrength('api.token', options.token, minLength);
  if (options.writeToken !== undefined) {
    checkTokenStrength('api.writeToken', options.writeToken, minLength);
    if (options.writeToken === options.token) throw new WeakTokenError('api.writeToken must differ from api.token, or reading would also allow writing');
  }
  const influx = new InfluxQL(options.influx);
  const hub = new LiveHub({ ...options.live, authorize: tokenAuthorizer(options.token, true) });
  const api = createApiServer({
    token: options.token,
    writeToken: options.writeToken,
    log: options.log,
    onAuthRefused: options.onAuthRefused,
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
