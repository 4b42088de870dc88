// What a corpus is made of: recipes (category, method, bit order, container) with weights.
// Clean images mirror the stego containers weight for weight, so the file format and pixel mode
// carry no information about the label; only the hidden payload does.
import type { StegoMethod } from '../v4/contract.ts';
import type { BitOrder } from './embed/bits.ts';
import type { Rng } from './random.ts';

export type Method = StegoMethod;
export type Container = 'png-rgb' | 'png-rgba' | 'png-indexed' | 'gif' | 'jpeg' | 'webp' | 'bmp';

export type Recipe =
  | { category: 'clean'; container: Container }
  | { category: 'stego'; container: Container; method: Method; bitOrder: BitOrder | 'none' };

export interface MixEntry {
  weight: number;
  recipe: Recipe;
}

const stego = (weight: number, method: Method, container: Container, bitOrder: BitOrder | 'none'): MixEntry => ({
  weight,
  recipe: { category: 'stego', method, container, bitOrder },
});

/** Each method gets the same share; inside a method, its containers and bit orders split it. */
export const DEFAULT_STEGO_MIX: MixEntry[] = [
  stego(4, 'alpha', 'png-rgba', 'lsb-first'),
  stego(1, 'palette', 'gif', 'lsb-first'),
  stego(1, 'palette', 'gif', 'msb-first'),
  stego(1, 'palette', 'png-indexed', 'lsb-first'),
  stego(1, 'palette', 'png-indexed', 'msb-first'),
  stego(1, 'lsb.rgb', 'png-rgb', 'lsb-first'),
  stego(1, 'lsb.rgb', 'png-rgb', 'msb-first'),
  stego(1, 'lsb.rgb', 'bmp', 'lsb-first'),
  stego(1, 'lsb.rgb', 'bmp', 'msb-first'),
  stego(1.6, 'exif', 'jpeg', 'none'),
  stego(1.2, 'exif', 'png-rgb', 'none'),
  stego(1.2, 'exif', 'webp', 'none'),
  stego(1.6, 'raw', 'jpeg', 'none'),
  stego(0.8, 'raw', 'png-rgb', 'none'),
  stego(0.8, 'raw', 'gif', 'none'),
  stego(0.8, 'raw', 'webp', 'none'),
];

/** A full mix: `stegoShare` of the weight on the stego entries, the rest on mirrored clean ones. */
export function buildMix(stegoEntries: MixEntry[], stegoShare: number): MixEntry[] {
  if (!(stegoShare >= 0 && stegoShare <= 1)) throw new Error(`stegoShare must be in 0..1, got ${stegoShare}`);
  const total = stegoEntries.reduce((n, e) => n + e.weight, 0);
  const perContainer = new Map<Container, number>();
  for (const e of stegoEntries) perContainer.set(e.recipe.container, (perContainer.get(e.recipe.container) ?? 0) + e.weight);
  const clean = [...perContainer].map(([container, weight]) => ({
    weight: ((1 - stegoShare) * weight) / total,
    recipe: { category: 'clean', container } as Recipe,
  }));
  const stegoPart = stegoEntries.map((e) => ({ weight: (stegoShare * e.weight) / total, recipe: e.recipe }));
  return [...clean, ...stegoPart].filter((e) => e.weight > 0);
}

export const DEFAULT_MIX: MixEntry[] = buildMix(DEFAULT_STEGO_MIX, 0.5);

/**
 * Exactly `count` recipes in the mix's proportions, in a seeded random order. Counts go first to
 * the groups (clean, then each stego method), then to the entries inside a group, by largest
 * remainder with seeded tie-breaks, so even a small corpus covers every method.
 */
export function allocate(count: number, mix: MixEntry[], rng: Rng): Recipe[] {
  const groups = new Map<string, MixEntry[]>();
  for (const entry of mix) {
    const key = entry.recipe.category === 'clean' ? 'clean' : entry.recipe.method;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const groupList = [...groups.values()];
  const groupCounts = split(count, groupList.map((g) => g.reduce((n, e) => n + e.weight, 0)), rng);
  const recipes = groupList.flatMap((group, g) => {
    const counts = split(groupCounts[g], group.map((e) => e.weight), rng);
    return group.flatMap((e, i) => Array<Recipe>(counts[i]).fill(e.recipe));
  });
  return rng.shuffle(recipes);
}

/** Splits `count` into whole parts proportional to `weights` (largest remainder method). */
function split(count: number, weights: number[], rng: Rng): number[] {
  const total = weights.reduce((n, w) => n + w, 0);
  const exact = weights.map((w) => (count * w) / total);
  const counts = exact.map(Math.floor);
  const order = exact
    .map((x, i) => ({ i, r: x - Math.floor(x), tie: rng.float() }))
    .sort((a, b) => b.r - a.r || a.tie - b.tie);
  const missing = count - counts.reduce((n, c) => n + c, 0);
  for (let k = 0; k < missing; k++) counts[order[k].i]++;
  return counts;
}
