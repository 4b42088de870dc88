// Replica mode settings (config key `cluster`, flags --cluster-*); see collector/README.md.
export interface ClusterSettings {
  enabled: boolean;
  stream: string;
  leaseBucket: string;
  leaseTtlMs: number;
  /** A replica silent this long is dropped from the merge (0 = three ack waits). */
  liveTimeoutMs: number;
  streamReplicas: number;
  heartbeatMs: number;
  streamMaxAgeMs: number;
}

export const CLUSTER_DEFAULTS: ClusterSettings = {
  enabled: false,
  stream: 'STARWATCH_CLUSTER',
  leaseBucket: 'starwatch_cluster_lease',
  leaseTtlMs: 6000,
  liveTimeoutMs: 0,
  streamReplicas: 1,
  heartbeatMs: 1000,
  streamMaxAgeMs: 15 * 60_000,
};
