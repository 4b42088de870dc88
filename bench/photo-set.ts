// A generated set of photo-like test images (smooth shapes, gradients, edges and sensor-like
// noise), so benchmarks run anywhere without a corpus. Encoded as mixed PNG, JPEG and WebP.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const FORMATS = ['png', 'jpeg', 'webp'] as const;

/** Small seeded generator, so the set is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function photoPixels(size: number, seed: number): Buffer {
  const rand = rng(seed);
  const base = [rand(), rand(), rand()].map((c) => 60 + c * 120);
  const grad = [rand() - 0.5, rand() - 0.5].map((g) => g * 120);
  const blobs = Array.from({ length: 6 }, () => ({
    x: rand() * size, y: rand() * size, r: 20 + rand() * 70,
    colour: [rand(), rand(), rand()].map((c) => (c - 0.5) * 160),
  }));
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const shade = (grad[0] * x + grad[1] * y) / size;
      const noise = (rand() - 0.5) * 12;
      for (let c = 0; c < 3; c++) {
        let v = base[c] + shade + noise;
        for (const b of blobs) {
          const d = Math.hypot(x - b.x, y - b.y);
          if (d < b.r) v += b.colour[c] * (1 - d / b.r) ** 0.5;
        }
        px[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return px;
}

/** Writes `count` images of size x size into dir; returns their paths. */
export async function writePhotoSet(dir: string, count: number, size = 256): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const format = FORMATS[i % FORMATS.length];
    const img = sharp(photoPixels(size, i + 1), { raw: { width: size, height: size, channels: 3 } });
    const encoded =
      format === 'png' ? img.png() : format === 'jpeg' ? img.jpeg({ quality: 85 }) : img.webp({ quality: 80 });
    const path = join(dir, `photo-${String(i).padStart(3, '0')}.${format === 'jpeg' ? 'jpg' : format}`);
    await writeFile(path, await encoded.toBuffer());
    paths.push(path);
  }
  return paths;
}
