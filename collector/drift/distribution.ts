// A distribution is counts per category (a histogram bin label, a method, a format, a size
// bucket). Comparisons smooth empty cells so a category that is new or gone gives a large
// but finite divergence instead of Infinity.

export type Counts = Record<string, number>;

export function total(counts: Counts): number {
  let sum = 0;
  for (const n of Object.values(counts)) sum += n;
  return sum;
}

export function addCounts(into: Counts, from: Counts): Counts {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
  return into;
}

/** Aligned probability vectors over the union of both key sets, each cell at least `floor`. */
export function alignedProbabilities(reference: Counts, current: Counts, floor = 1e-4): { p: number[]; q: number[]; keys: string[] } {
  const keys = [...new Set([...Object.keys(reference), ...Object.keys(current)])].sort();
  return { keys, p: normalise(keys.map((k) => reference[k] ?? 0), floor), q: normalise(keys.map((k) => current[k] ?? 0), floor) };
}

function normalise(values: number[], floor: number): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  const raw = values.map((v) => (sum > 0 ? v / sum : 1 / values.length));
  const floored = raw.map((v) => Math.max(v, floor));
  const flooredSum = floored.reduce((a, b) => a + b, 0);
  return floored.map((v) => v / flooredSum);
}
