// What one side of a rollout (the primary or the candidate) did in a window: requests, errors,
// latency (a mergeable sketch, so p95 over hours is exact to the sketch, not an average of
// p95s), and on labelled traffic the FPR and per-method detection counts.
import type { FieldValue } from '../sinks/point.ts';
import type { InferenceEvent } from '../../schemas/inference-event.ts';
import { LatencySketch } from '../windows/latency-sketch.ts';

import { METHODS, type StegoMethod } from '../../v4/contract.ts';

export { METHODS };
export type Method = StegoMethod;

/** A method as a field name part (lsb.rgb -> lsb_rgb). */
export const fieldOf = (method: string): string => method.replace(/\W/g, '_');

export class SideStats {
  n = 0;
  errors = 0;
  cleanLabelled = 0;
  falsePositives = 0;
  readonly stegoLabelled = new Map<Method, number>();
  readonly detected = new Map<Method, number>();
  latency = LatencySketch.empty();

  add(event: InferenceEvent): void {
    this.n++;
    const o = event.outputs;
    if (!o) {
      this.errors++;
      return;
    }
    this.latency.recordMs(event.timings.total_ms);
    this.countLabel(o.is_stego, event.label);
  }

  /** One scored request's verdict against its ground truth (none: nothing to count). */
  countLabel(isStego: boolean, label: { category: string; method?: string | null } | null | undefined): void {
    if (label?.category === 'clean') {
      this.cleanLabelled++;
      if (isStego) this.falsePositives++;
    } else if (label?.category === 'stego' && label.method) {
      const m = label.method as Method;
      this.stegoLabelled.set(m, (this.stegoLabelled.get(m) ?? 0) + 1);
      if (isStego) this.detected.set(m, (this.detected.get(m) ?? 0) + 1);
    }
  }

  merge(other: SideStats): void {
    this.n += other.n;
    this.errors += other.errors;
    this.cleanLabelled += other.cleanLabelled;
    this.falsePositives += other.falsePositives;
    for (const [m, k] of other.stegoLabelled) this.stegoLabelled.set(m, (this.stegoLabelled.get(m) ?? 0) + k);
    for (const [m, k] of other.detected) this.detected.set(m, (this.detected.get(m) ?? 0) + k);
    this.latency.merge(other.latency);
  }

  /** Fields of a point, each name prefixed (p_ for the primary, c_ for the candidate). */
  fields(prefix: string): Record<string, FieldValue> {
    const f: Record<string, FieldValue> = {
      [`${prefix}n`]: BigInt(this.n),
      [`${prefix}errors`]: BigInt(this.errors),
      [`${prefix}latency_sketch`]: this.latency.encode(),
      ...this.labelledFields(prefix),
    };
    if (this.latency.count > 0) f[`${prefix}p95_ms`] = this.latency.percentileMs(95);
    return f;
  }

  /** The fields that ground truth decides (what late labels rewrite, collector/labels). */
  labelledFields(prefix: string): Record<string, FieldValue> {
    const f: Record<string, FieldValue> = {};
    // A zero base is left out with its numerators, so a board's sum(fp) / sum(base) is null, not 0
    // (collector/points/rate-bases.ts).
    if (this.cleanLabelled > 0) {
      f[`${prefix}clean_labelled`] = BigInt(this.cleanLabelled);
      f[`${prefix}fp`] = BigInt(this.falsePositives);
      f[`${prefix}fpr`] = this.falsePositives / this.cleanLabelled;
    }
    for (const m of METHODS) {
      const n = this.stegoLabelled.get(m) ?? 0;
      if (n === 0) continue;
      const hits = this.detected.get(m) ?? 0;
      f[`${prefix}det_${fieldOf(m)}_n`] = BigInt(n);
      f[`${prefix}det_${fieldOf(m)}_hits`] = BigInt(hits);
      f[`${prefix}det_${fieldOf(m)}`] = hits / n;
    }
    return f;
  }

  /** The side back from a stored row (InfluxDB answers integers as numbers). */
  static fromRow(row: Record<string, unknown>, prefix: string): SideStats {
    const s = new SideStats();
    const num = (k: string): number => (typeof row[`${prefix}${k}`] === 'number' ? (row[`${prefix}${k}`] as number) : 0);
    s.n = num('n');
    s.errors = num('errors');
    s.cleanLabelled = num('clean_labelled');
    s.falsePositives = num('fp');
    for (const m of METHODS) {
      const n = num(`det_${fieldOf(m)}_n`);
      if (n === 0) continue;
      s.stegoLabelled.set(m, n);
      s.detected.set(m, num(`det_${fieldOf(m)}_hits`));
    }
    const sketch = row[`${prefix}latency_sketch`];
    if (typeof sketch === 'string') s.latency = LatencySketch.decode(sketch);
    return s;
  }
}
