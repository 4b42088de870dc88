// One hostile-input attack as `starwatch bench hostile` reports it.
export interface HostileResult {
  attack: string;
  target: 'agent' | 'collector';
  /** Peak RSS (VmHWM) of the attacked process, which runs as its own child process. */
  peakRssMb: number;
  /** Its shipped k8s memory limit (deploy/k8s). */
  limitMb: number;
  /** /healthz p99 while the attack ran. */
  healthzP99Ms: number;
  /** What the target counted, read from its /metrics. */
  counted: Record<string, number>;
}
export type HostileAttack = () => Promise<HostileResult>;
