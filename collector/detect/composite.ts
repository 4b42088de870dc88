// Several detectors on one series behave as one: a point is anomalous if any member flags
// it, and the verdict carries the member with the highest score (so the reader sees which
// method fired). Expected comes from the first member that has one.
import type { AnomalyPoint, Detector } from './types.ts';

export class CompositeDetector implements Detector {
  readonly name: string;

  constructor(private readonly members: readonly Detector[]) {
    if (members.length === 0) throw new RangeError('a composite detector needs at least one member');
    this.name = members.map((m) => m.name).join('+');
  }

  update(ts: number, value: number, sampleSize?: number): AnomalyPoint {
    const verdicts = this.members.map((m) => m.update(ts, value, sampleSize));
    const flagged = verdicts.filter((v) => v.isAnomaly);
    const pool = flagged.length > 0 ? flagged : verdicts;
    const top = pool.reduce((best, v) => (v.score > best.score ? v : best));
    const expected = verdicts.find((v) => !Number.isNaN(v.expected))?.expected ?? NaN;
    return { ts, value, expected, score: top.score, isAnomaly: flagged.length > 0, detector: top.detector };
  }
}
