// Seeded synthetic series for the detector, forecast and drift tests: the same numbers every
// run, so a stated detection delay or false-alarm rate is a fact, not luck.
import type { AnomalyPoint, Detector } from '../../collector/detect/types.ts';

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

export function noiseSeries(n: number, level: number, sigma: number, seed: number): number[] {
  const normal = gaussian(seededRandom(seed));
  return Array.from({ length: n }, () => level + sigma * normal());
}

export function runDetector(detector: Detector, values: readonly number[], stepMs = 60_000, startMs = 0): AnomalyPoint[] {
  return values.map((v, i) => detector.update(startMs + i * stepMs, v));
}

/** Points after `from` until the first flag (0 = flagged on the incident's first point); Infinity if never. */
export function delayFrom(points: readonly AnomalyPoint[], from: number, until = points.length): number {
  for (let i = from; i < until; i++) if (points[i].isAnomaly) return i - from;
  return Infinity;
}

/** Share of flagged points in [from, to). */
export function flagRate(points: readonly AnomalyPoint[], from: number, to: number): number {
  let flagged = 0;
  for (let i = from; i < to; i++) if (points[i].isAnomaly) flagged++;
  return flagged / (to - from);
}

export function lastFlag(points: readonly AnomalyPoint[], from: number, to: number): number {
  let last = -1;
  for (let i = from; i < to; i++) if (points[i].isAnomaly) last = i;
  return last;
}
