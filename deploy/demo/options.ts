// What `starwatch demo` can be told, with its defaults.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IncidentKind } from './incident.ts';

export interface DemoOptions {
  /** Seconds to run; undefined = until Ctrl-C (SIGINT) or SIGTERM. */
  durationS?: number;
  /** Seconds of steady traffic before the incident starts. */
  incidentAfterS: number;
  incident: IncidentKind;
  /** Scan requests per second. */
  rate: number;
  /** Port of the collector's API, live page and WebSocket (0: a free one). */
  port: number;
  /** Holds the generated corpus (kept between runs) and each run's service data (removed after). */
  dataDir: string;
  corpusSize: number;
  /** Seconds a threshold alert must hold before it fires (shorter than production's minute). */
  alertForS: number;
  /**
   * Latency p95 above this alerts (ms). Starlight's target is 5 ms; the demo's threshold sits well
   * above the steady traffic's p95 on a busy laptop, so the incident is what trips it.
   */
  latencyP95MaxMs: number;
  json: boolean;
}

export function defaultDataDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'starwatch', 'demo');
}

export const DEMO_DEFAULTS: DemoOptions = {
  incidentAfterS: 60,
  incident: 'latency',
  rate: 25,
  port: 9470,
  dataDir: defaultDataDir(),
  corpusSize: 300,
  alertForS: 10,
  latencyP95MaxMs: 60,
  json: false,
};

/** The InfluxDB database the demo writes; the provisioned Grafana datasource reads the same name. */
export const DEMO_DATABASE = 'starwatch';
export const DEMO_AGENT_ID = 'demo-agent';
