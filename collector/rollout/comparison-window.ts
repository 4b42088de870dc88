// One window of a rollout comparison, for one agent's primary/candidate pair: both sides'
// stats and, for shadow pairs (both models on the same image), the agreement and the confusion
// of methods between them. Written as one `rollout` point, rewritten whole (idempotent).
import type { Point } from '../sinks/point.ts';
import { msToNs } from '../sinks/point.ts';
import { fieldOf, METHODS, SideStats } from './side-stats.ts';

export const ROLLOUT_MEASUREMENT = 'rollout';

export interface PairKey {
  agent: string;
  primary: string;
  candidate: string;
}

/** A method as the confusion matrix names it (no method -> none). */
export const methodCell = (method: string | null): string => (method === null ? 'none' : fieldOf(method));
/** The counts a board divides by (never written as 0, see SideStats.fields). */
export const ROLLOUT_RATE_BASES = ['pairs', ...['p_', 'c_'].flatMap((side) => [`${side}clean_labelled`, ...METHODS.map((m) => `${side}det_${fieldOf(m)}_n`)])];
export const CONFUSION_CELLS = ['none', ...METHODS.map(fieldOf)];

export class ComparisonWindow {
  readonly primarySide = new SideStats();
  readonly candidateSide = new SideStats();
  pairs = 0;
  /** Pairs whose two verdicts agree on stego or not. */
  agree = 0;
  /** "<primary method>__<candidate method>" -> pairs. */
  readonly confusion = new Map<string, number>();

  constructor(
    readonly startMs: number,
    readonly sizeMs: number,
    readonly key: PairKey,
  ) {}

  addPair(primary: { is_stego: boolean; method: string | null }, candidate: { is_stego: boolean; method: string | null }): void {
    this.pairs++;
    if (primary.is_stego === candidate.is_stego) this.agree++;
    const cell = `${methodCell(primary.method)}__${methodCell(candidate.method)}`;
    this.confusion.set(cell, (this.confusion.get(cell) ?? 0) + 1);
  }

  merge(other: ComparisonWindow): void {
    this.primarySide.merge(other.primarySide);
    this.candidateSide.merge(other.candidateSide);
    this.pairs += other.pairs;
    this.agree += other.agree;
    for (const [cell, k] of other.confusion) this.confusion.set(cell, (this.confusion.get(cell) ?? 0) + k);
  }

  point(): Point {
    const fields: Point['fields'] = {
      ...this.primarySide.fields('p_'),
      ...this.candidateSide.fields('c_'),
      window_ms: BigInt(this.sizeMs),
    };
    if (this.pairs > 0) {
      fields.pairs = BigInt(this.pairs);
      fields.agree = BigInt(this.agree);
      fields.agreement = this.agree / this.pairs;
    }
    const p95 = [this.primarySide.latency, this.candidateSide.latency];
    if (p95[0].count > 0 && p95[1].count > 0) fields.latency_ratio = p95[1].percentileMs(95) / p95[0].percentileMs(95);
    for (const [cell, k] of this.confusion) fields[`conf_${cell}`] = BigInt(k);
    return { measurement: ROLLOUT_MEASUREMENT, tags: { agent: this.key.agent, primary: this.key.primary, candidate: this.key.candidate }, fields, timestampNs: msToNs(this.startMs) };
  }

  static fromRow(row: Record<string, unknown>): ComparisonWindow {
    const key = { agent: String(row.agent ?? ''), primary: String(row.primary ?? ''), candidate: String(row.candidate ?? '') };
    const size = typeof row.window_ms === 'number' ? row.window_ms : 0;
    const w = new ComparisonWindow(Number(row.time), size, key);
    w.primarySide.merge(SideStats.fromRow(row, 'p_'));
    w.candidateSide.merge(SideStats.fromRow(row, 'c_'));
    w.pairs = typeof row.pairs === 'number' ? row.pairs : 0;
    w.agree = typeof row.agree === 'number' ? row.agree : 0;
    for (const [k, v] of Object.entries(row)) if (k.startsWith('conf_') && typeof v === 'number' && v > 0) w.confusion.set(k.slice(5), v);
    return w;
  }
}
