// What `starwatch demo` can be told, with its defaults.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
   * Latency p95 above this alerts (ms). Unset by default: a laptop's p95 under the demo's load says
   * nothing about Starlight's 5 ms target, so the demo judges latency against its own recent
   * behaviour (the latency_p95 anomaly, which notifies in the demo) rather than a fixed number.
   */
  latencyP95MaxMs?: number;
  /** Seconds the incident lasts, so its alert is seen resolving too. */
  incidentForS: number;
  json: boolean;
  /**
   * Every n-th steady request goes without its ground truth, which a reviewer sends a few seconds
   * later on starwatch.v1.labels (the Models board's Labels row; 0: every label up front).
   */
  lateLabelEvery: number;
  /** Share of requests the int8 reference model scores in shadow, filling the Rollout board (0: none). */
  shadowShare: number;
}

export function defaultDataDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'starwatch', 'demo');
}

export const DEMO_DEFAULTS: DemoOptions = {
  // Ten 10 s windows (the first partial) before the incident: the latency detector needs about
  // nine steady windows to know a busy machine's spread (collector/detect/README.md, small samples).
  incidentAfterS: 100,
  incident: 'latency',
  rate: 25,
  port: 9470,
  dataDir: defaultDataDir(),
  corpusSize: 300,
  alertForS: 10,
  incidentForS: 45,
  json: false,
  shadowShare: 0.1,
  lateLabelEvery: 20,
};

/** The shadow candidate of the demo: the reference model quantised to int8 (models/README.md). */
export const DEMO_CANDIDATE_MODEL = fileURLToPath(new URL('../../models/v4-reference-int8.onnx', import.meta.url));

/** The InfluxDB database the demo writes; the provisioned Grafana datasource reads the same name. */
export const DEMO_DATABASE = 'starwatch';
export const DEMO_AGENT_ID = 'demo-agent';
