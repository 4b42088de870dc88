// Pixel payloads must reach the V4 centre crop (corpus/embed/crop-reach.ts): the arithmetic, the
// generator honouring it (and its 0 = off setting), and bad values refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minBytesToReachCrop } from '../../corpus/embed/crop-reach.ts';
import { centreCrop } from '../../v4/streams/crop.ts';
import { generateCorpus } from '../../corpus/generate.ts';
import { readLabel, type StegoLabel } from '../../schemas/corpus-label.ts';
import { CorpusError } from '../../corpus/errors.ts';

test('minBytesToReachCrop counts the rows above the crop plus the rows asked for', () => {
  // 384x384: the crop starts at row 64; 4 crop rows -> 68 rows of 384 px.
  assert.equal(minBytesToReachCrop(384, 384, 3, 1, 4), Math.ceil((68 * 384 * 3) / 8) - 1);
  assert.equal(minBytesToReachCrop(384, 384, 1, 5, 4), Math.ceil((68 * 384) / 8) - 5);
  // A 200-px-high image sits inside the crop: its own first rows are the crop's first visible ones.
  assert.equal(minBytesToReachCrop(300, 200, 1, 1, 2), Math.ceil((2 * 300) / 8) - 1);
  assert.equal(minBytesToReachCrop(384, 384, 3, 1, 0), 0);
});

/** Crop rows (fully) covered by the payload bits of a pixel-method stego label. */
function cropRowsCovered(label: StegoLabel): number {
  const framing = label.method === 'alpha' ? 5 : 1;
  const bitsPerPixel = label.method === 'lsb.rgb' ? 3 : 1;
  const pixels = Math.floor(((label.payload_bytes + framing) * 8) / bitsPerPixel);
  const fullRows = Math.floor(pixels / label.width);
  return fullRows - Math.max(0, centreCrop(label.width, label.height).top);
}

async function pixelStegoLabels(out: string): Promise<StegoLabel[]> {
  const names = (await readdir(out)).filter((n) => !n.endsWith('.json'));
  const labels = await Promise.all(names.map((n) => readLabel(join(out, n))));
  return labels.filter((l): l is StegoLabel => l.category === 'stego' && ['alpha', 'palette', 'lsb.rgb'].includes(l.method));
}

test('every pixel payload covers the asked crop rows; with 0 some miss the crop entirely', async () => {
  const out = await mkdtemp(join(tmpdir(), 'crop-reach-'));
  try {
    await generateCorpus({ out: join(out, 'on'), count: 40, seed: 5, size: { min: 384, max: 384 }, minCropRows: 6 });
    const on = await pixelStegoLabels(join(out, 'on'));
    assert.ok(on.length >= 10, `expected pixel stego items, got ${on.length}`);
    for (const label of on) assert.ok(cropRowsCovered(label) >= 6, `${label.method} ${label.payload_bytes} B covers ${cropRowsCovered(label)} rows`);

    await generateCorpus({ out: join(out, 'off'), count: 40, seed: 5, size: { min: 384, max: 384 }, minCropRows: 0 });
    const off = await pixelStegoLabels(join(out, 'off'));
    assert.ok(off.some((label) => cropRowsCovered(label) < 0), 'without the rule short payloads stay above the crop');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a bad min crop rows value is refused with a typed error', async () => {
  for (const minCropRows of [-1, 1.5, 257]) {
    await assert.rejects(
      generateCorpus({ out: join(tmpdir(), 'never-written'), count: 1, seed: 1, minCropRows }),
      (error: unknown) => error instanceof CorpusError && error.code === 'CORPUS_BAD_OPTION',
    );
  }
});
