// What the API needs from the rest of the collector, passed in so each part can be swapped in tests.
import type { NatsConnection } from 'nats';
import type { Logger } from '../log.ts';
import { DEFAULT_AUTH_LIMITS, type AuthLimits } from './auth-limiter.ts';
import type { SilenceControl } from '../analysis/start-analysis.ts';
import type { LiveHub } from '../live/hub.ts';
import type { AlertSource } from './alerts.ts';
import type { InfluxQL } from '../sinks/influxql.ts';
import type { QueryCache } from './query-cache.ts';
import type { RateMeter } from './rate-meter.ts';

export interface ApiLimits extends AuthLimits {
  /** Largest POST body. */
  maxBodyBytes: number;
  /** Token bucket for POST /metrics/log. */
  logRatePerSec: number;
  logBurst: number;
  /** How long a JetStream publish may wait for its ack. */
  publishTimeoutMs: number;
  /** Identical InfluxDB-backed requests within this share one answer (0 = always query). */
  queryCacheMs: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  maxBodyBytes: 64 * 1024,
  logRatePerSec: 1000,
  logBurst: 2000,
  publishTimeoutMs: 5000,
  queryCacheMs: 5000,
  ...DEFAULT_AUTH_LIMITS,
};

export interface ApiCounters {
  requests: RateMeter;
  logAccepted: RateMeter;
  logRejected: RateMeter;
  /** Rejections by error code, since start. */
  rejectedByCode: Map<string, number>;
  /** Requests refused for authentication, by reason (no_token, wrong_token, wrong_scope, rate_limited). */
  authRefused: Map<string, number>;
  /** Shared answers of the InfluxDB-backed routes. */
  queries: QueryCache;
}

export interface ApiDeps {
  /** Read scope: every GET route and the WebSocket feed. */
  token: string;
  /** Write scope: POST /metrics/log (injecting events). Without one, that route is refused (403). */
  writeToken?: string;
  nats: NatsConnection;
  influx: InfluxQL;
  alerts: AlertSource;
  hub?: LiveHub;
  limits: ApiLimits;
  /** More rates to show on /health (e.g. the consumer's events/s), provided by the collector. */
  rates?: () => Record<string, number>;
  /** Told of every refused authentication (Prometheus counter); its log line is rate-limited. */
  onAuthRefused?: (reason: string) => void;
  log?: Logger;
  /** Alert silences, when the analysis stage runs beside the API. */
  silences?: SilenceControl;
}
