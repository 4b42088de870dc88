// readLabel / validateLabel: the sidecar contract later code relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelKey, readLabel, sidecarPath, validateLabel } from '../../schemas/corpus-label.ts';

const clean = { category: 'clean', format: 'PNG', mode: 'RGB', width: 256, height: 256, seed: 7, cover: 'procedural' };
const stego = {
  ...clean, category: 'stego', method: 'palette', bit_order: 'msb-first', format: 'GIF', mode: 'P',
  payload_bytes: 120, message_kind: 'prose',
};

test('sidecarPath swaps the extension for .json', () => {
  assert.equal(sidecarPath('/a/b/img-000001.png'), '/a/b/img-000001.json');
  assert.equal(sidecarPath('/a.b/img'), '/a.b/img.json');
});

test('valid clean and stego labels pass and keep their fields', () => {
  assert.deepEqual(validateLabel(clean), clean);
  assert.deepEqual(validateLabel(stego), stego);
  assert.equal(labelKey(validateLabel(stego)), 'stego:palette');
  assert.equal(labelKey(validateLabel(clean)), 'clean');
});

test('labels that break the contract are rejected with CORPUS_BAD_LABEL', () => {
  const bad: unknown[] = [
    null, [], 'clean',
    { ...clean, category: 'maybe' },
    { ...clean, format: 'TIFF' },
    { ...clean, width: -1 },
    { ...clean, seed: 1.5 },
    { ...stego, method: 'dct' },
    { ...stego, method: 'toString' },
    { ...stego, method: 'alpha', format: 'GIF' },
    { ...stego, method: 'exif', format: 'JPEG', bit_order: 'lsb-first' },
    { ...stego, method: 'raw', format: 'BMP', bit_order: 'none' },
    { ...stego, bit_order: 'none' },
    { ...stego, payload_bytes: 0 },
    { ...stego, payload_bytes: '12' },
  ];
  for (const value of bad) assert.throws(() => validateLabel(value), { code: 'CORPUS_BAD_LABEL' }, JSON.stringify(value));
});

test('readLabel reads the sidecar given the image or the sidecar path, and reports bad files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'corpus-labels-'));
  try {
    await writeFile(join(dir, 'x.json'), JSON.stringify(stego));
    assert.deepEqual(await readLabel(join(dir, 'x.gif')), stego);
    assert.deepEqual(await readLabel(join(dir, 'x.json')), stego);
    await writeFile(join(dir, 'y.json'), '{not json');
    await assert.rejects(readLabel(join(dir, 'y.png')), { code: 'CORPUS_BAD_LABEL' });
    await assert.rejects(readLabel(join(dir, 'missing.png')), { code: 'CORPUS_BAD_LABEL' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
