// What replicas say to each other on the cluster stream (one JetStream stream, so every replica
// reads the same messages in the same order and computes the same merged windows):
// - `partial`: closed partial windows of one minute of one replica (leaf keys only, exact states)
//   with the stream sequences of the messages counted in them, or the windows of one redelivered
//   message (`seq`);
// - `mark`: how far the replica has published (every window of minutes <= through), and the
//   stream sequences of the messages it still holds whose events up to `through` it has counted;
// - `merge`: the leader's decision that minutes <= through are merged from these replicas.
import type { Granularity } from '../../schemas/measurements.ts';

export const CLUSTER_SUBJECT_PREFIX = 'starwatch.v1.cluster';
export const clusterSubject = (kind: ClusterMessage['kind'], replica: string): string =>
  `${CLUSTER_SUBJECT_PREFIX}.${kind}.${replica.replace(/[^-\w]/g, '_')}`;

export interface PartialWindow {
  g: Granularity;
  start: number;
  agent: string;
  model_version: string;
  /** encodeState of the replica's accumulator (collector/windows/state.ts). */
  state: string;
}

export interface PartialMessage {
  kind: 'partial';
  replica: string;
  /** Counts only once a mark of the same incarnation follows (a replica may die in between). */
  incarnation: string;
  minute: number;
  windows: PartialWindow[];
  /**
   * Stream sequences of the messages whose events are in these windows (toRanges). On a replica's
   * own windows: what it counted of this minute, first deliveries only. With `seq`: none.
   */
  seqs?: number[];
  /**
   * Set on the windows of one redelivered message, kept apart from the replica's own windows: the
   * merger counts them only when no other committed partial of the minute counted that message
   * (it may have been handed out twice: the first holder stalled past the ack wait).
   */
  seq?: number;
}

export interface MarkMessage {
  kind: 'mark';
  replica: string;
  /** One per process start: a restarted replica reports from scratch. */
  incarnation: string;
  /** Every window of every minute <= through is published (-1 before the first). */
  through: number;
  /**
   * Nothing held and no window open: this replica holds no minute back (its `through` is only
   * what it has closed), so the leader merges without waiting for it.
   */
  idle?: boolean;
  /** Held messages' stream sequences, delta-encoded; absent on a mark that only says "alive". */
  held?: number[];
}

export interface MergeMessage {
  kind: 'merge';
  leader: string;
  through: number;
  replicas: string[];
}

export type ClusterMessage = PartialMessage | MarkMessage | MergeMessage;

export class ClusterMessageError extends Error {
  readonly code = 'bad_cluster_message';
}

export function decodeClusterMessage(data: Uint8Array): ClusterMessage {
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw new ClusterMessageError('not JSON');
  }
  const kind = (m as { kind?: unknown })?.kind;
  if (kind !== 'partial' && kind !== 'mark' && kind !== 'merge') throw new ClusterMessageError(`unknown kind ${String(kind).slice(0, 20)}`);
  if (kind === 'partial') checkSequences(m as PartialMessage);
  return m as ClusterMessage;
}

const isSeq = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;

/** The sequences a partial carries are what the merger trusts to count each message once. */
function checkSequences(p: PartialMessage): void {
  if (p.seq !== undefined && !isSeq(p.seq)) throw new ClusterMessageError('seq is not a stream sequence');
  if (p.seqs === undefined) return;
  if (!Array.isArray(p.seqs) || p.seqs.length % 2 !== 0 || !p.seqs.every(isSeq)) throw new ClusterMessageError('seqs are not [first, length] runs');
}

/** Sorted, distinct sequences as [first, length] runs: a pull batch is one run. */
export function toRanges(sorted: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const n = sorted[i];
    if (out.length > 0 && out[out.length - 2] + out[out.length - 1] === n) out[out.length - 1]++;
    else out.push(n, 1);
  }
  return out;
}

/** Sorted sequences as first value + gaps: small numbers, so a minute of holds stays small. */
export function deltaEncode(sorted: readonly number[]): number[] {
  return sorted.map((n, i) => (i === 0 ? n : n - sorted[i - 1]));
}

export function deltaDecode(deltas: readonly number[]): number[] {
  const out: number[] = new Array(deltas.length);
  let n = 0;
  for (let i = 0; i < deltas.length; i++) out[i] = n = i === 0 ? deltas[0] : n + deltas[i];
  return out;
}
