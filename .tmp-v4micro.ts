import { readFileSync } from 'node:fs';
import { decodeImage } from './agent/v4/decode/decode.ts';
import { DEFAULT_LIMITS } from './agent/v4/limits.ts';
import { buildStreams } from './agent/v4/streams/build-streams.ts';
import { imageTail } from './agent/v4/decode/tail.ts';
for (const f of ['rgb_png_256.png', 'real_clean-0065.jpg', 'alpha_ai42_png.png', 'palette_png_clean.png', 'l_png.png', 'real_clean-0097.webp']) {
  const b = new Uint8Array(readFileSync('test/fixtures/parity/images/' + f));
  const img = await decodeImage(b, DEFAULT_LIMITS);
  for (let i = 0; i < 50; i++) buildStreams(img, imageTail(b, img.format));
  const n = 300; const t0 = performance.now();
  for (let i = 0; i < n; i++) buildStreams(img, imageTail(b, img.format));
  const t1 = performance.now();
  for (let i = 0; i < 50; i++) await decodeImage(b, DEFAULT_LIMITS);
  const t2 = performance.now();
  for (let i = 0; i < 100; i++) await decodeImage(b, DEFAULT_LIMITS);
  console.log(f, img.mode, img.channels, 'build', ((t1 - t0) / n).toFixed(3), 'decode', ((performance.now() - t2) / 100).toFixed(3));
}
