// Natural-looking alpha planes for RGBA covers: cut-out objects with feathered edges, vignettes,
// and soft cloudy masks, the kinds of transparency real RGBA images carry.
import type { Rng } from '../random.ts';

export type AlphaStyle = 'cutout' | 'vignette' | 'clouds' | 'opaque-with-hole';

export function naturalAlpha(rng: Rng, width: number, height: number): Uint8Array {
  const style = rng.pick<AlphaStyle>(['cutout', 'vignette', 'clouds', 'opaque-with-hole']);
  const alpha = new Uint8Array(width * height);
  const cx = width * (0.3 + rng.float() * 0.4);
  const cy = height * (0.3 + rng.float() * 0.4);
  const rx = width * (0.2 + rng.float() * 0.3);
  const ry = height * (0.2 + rng.float() * 0.3);
  const feather = 1 + rng.float() * (style === 'vignette' ? 0.8 : 0.1);
  const phase = [rng.float() * 6.28, rng.float() * 6.28, 2 + rng.float() * 6, 2 + rng.float() * 6];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
      let a: number;
      if (style === 'cutout') a = edgeRamp(1 - d, 0.04 * feather);
      else if (style === 'vignette') a = edgeRamp(1.6 - d, 0.8 * feather);
      else if (style === 'opaque-with-hole') a = 1 - edgeRamp(0.5 - d, 0.05 * feather);
      else a = 0.5 + 0.25 * Math.sin(x / width * phase[2] + phase[0]) + 0.25 * Math.cos(y / height * phase[3] + phase[1]);
      alpha[y * width + x] = Math.round(255 * Math.min(1, Math.max(0, a)));
    }
  }
  return alpha;
}

function edgeRamp(distanceInside: number, width: number): number {
  return Math.min(1, Math.max(0, distanceInside / width + 0.5));
}
