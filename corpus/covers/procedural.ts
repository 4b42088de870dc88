// Procedural covers with roughly natural statistics: smooth illumination, 1/f ("pink") texture,
// a few soft-edged objects, and sensor noise so the low bits are busy like a camera's, not flat.
import type { PixelImage } from '../image.ts';
import type { Rng } from '../random.ts';

export function proceduralCover(rng: Rng, width: number, height: number): PixelImage {
  const planes = [0, 1, 2].map(() => new Float32Array(width * height));
  paintGradient(planes, rng, width, height);
  paintPinkNoise(planes, rng, width, height);
  const shapes = rng.int(1, 6);
  for (let s = 0; s < shapes; s++) paintShape(planes, rng, width, height);
  return addSensorNoise(planes, rng, width, height);
}

function randomColour(rng: Rng): [number, number, number] {
  return [rng.int(10, 245), rng.int(10, 245), rng.int(10, 245)];
}

function paintGradient(planes: Float32Array[], rng: Rng, width: number, height: number): void {
  const from = randomColour(rng);
  const to = randomColour(rng);
  const angle = rng.float() * Math.PI * 2;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const span = Math.abs(dx) * width + Math.abs(dy) * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, ((x - width / 2) * dx + (y - height / 2) * dy) / span + 0.5));
      const p = y * width + x;
      for (let c = 0; c < 3; c++) planes[c][p] = from[c] + (to[c] - from[c]) * t;
    }
  }
}

/** Sum of value-noise octaves with amplitude falling as 1/frequency^beta. */
function paintPinkNoise(planes: Float32Array[], rng: Rng, width: number, height: number): void {
  const beta = 0.8 + rng.float() * 0.6;
  const strength = 20 + rng.float() * 50;
  const luminance = octaveNoise(rng, width, height, beta, 7);
  const chroma = [0, 1, 2].map(() => octaveNoise(rng, width, height, beta, 4));
  const chromaShare = rng.float() * 0.5;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      planes[c][p] += strength * ((1 - chromaShare) * luminance[p] + chromaShare * chroma[c][p]);
    }
  }
}

function octaveNoise(rng: Rng, width: number, height: number, beta: number, octaves: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let k = 0; k < octaves; k++) {
    const cells = 2 << k;
    const amplitude = 1 / Math.pow(cells / 2, beta);
    addValueNoise(out, rng, width, height, cells, amplitude);
  }
  return out;
}

function addValueNoise(
  out: Float32Array, rng: Rng, width: number, height: number, cells: number, amplitude: number,
): void {
  const side = cells + 1;
  const grid = new Float32Array(side * side);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.float() * 2 - 1;
  for (let y = 0; y < height; y++) {
    const gy = (y / height) * cells;
    const y0 = Math.floor(gy);
    const ty = smooth(gy - y0);
    for (let x = 0; x < width; x++) {
      const gx = (x / width) * cells;
      const x0 = Math.floor(gx);
      const tx = smooth(gx - x0);
      const a = grid[y0 * side + x0];
      const b = grid[y0 * side + x0 + 1];
      const c = grid[(y0 + 1) * side + x0];
      const d = grid[(y0 + 1) * side + x0 + 1];
      const top = a + (b - a) * tx;
      const bottom = c + (d - c) * tx;
      out[y * width + x] += amplitude * (top + (bottom - top) * ty);
    }
  }
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** An ellipse or rectangle with a soft (anti-aliased) edge and its own shading. */
function paintShape(planes: Float32Array[], rng: Rng, width: number, height: number): void {
  const cx = rng.float() * width;
  const cy = rng.float() * height;
  const rx = (0.05 + rng.float() * 0.3) * width;
  const ry = (0.05 + rng.float() * 0.3) * height;
  const ellipse = rng.chance(0.6);
  const edge = 0.5 + rng.float() * 3;
  const opacity = 0.5 + rng.float() * 0.5;
  const colour = randomColour(rng);
  const shade = (rng.float() - 0.5) * 60;
  for (let y = Math.max(0, Math.floor(cy - ry - edge)); y < Math.min(height, cy + ry + edge); y++) {
    for (let x = Math.max(0, Math.floor(cx - rx - edge)); x < Math.min(width, cx + rx + edge); x++) {
      const u = (x - cx) / rx;
      const v = (y - cy) / ry;
      const inside = ellipse
        ? (1 - Math.sqrt(u * u + v * v)) * Math.min(rx, ry)
        : Math.min(rx - Math.abs(x - cx), ry - Math.abs(y - cy));
      const cover = Math.min(1, Math.max(0, inside / edge + 0.5)) * opacity;
      if (cover <= 0) continue;
      const p = y * width + x;
      const lit = shade * v;
      for (let c = 0; c < 3; c++) planes[c][p] += (colour[c] + lit - planes[c][p]) * cover;
    }
  }
}

/** Read noise plus signal-dependent shot noise, then rounding to 8 bits. */
function addSensorNoise(planes: Float32Array[], rng: Rng, width: number, height: number): PixelImage {
  const read = 0.6 + rng.float() * 2.5;
  const shot = rng.float() * 0.25;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const value = Math.min(255, Math.max(0, planes[c][p]));
      const sigma = read + shot * Math.sqrt(value);
      data[p * 3 + c] = Math.min(255, Math.max(0, Math.round(value + sigma * rng.gaussian())));
    }
  }
  return { width, height, channels: 3, data };
}
